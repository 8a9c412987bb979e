/* consent-wording.c: the Terms in our own words, and which of those points a change touches. */
#include "common.h"

#include <strings.h>

#include "buf.h"
#include "consent.h"

const struct consent_point consent_summary[] = {
	{ "I.1",
	    N_("You are at least 18, or the age of majority where you live if that is higher."),
	    N_("minimum age") },
	{ "I.3",
	    N_("Your account and API key are for you alone: keep them secret. You answer for everything done with them."),
	    N_("account security") },
	{ "II.2",
	    N_("You follow the Usage Policy: nothing that endangers critical systems, children or anyone's privacy; no extremism, sexual content, misinformation or political campaign material; no tailored legal, medical or financial advice for others."),
	    N_("usage policy") },
	{ "II.3",
	    N_("The service is for your personal learning, research and experiments: no commercial use without the provider's written consent."),
	    N_("non-commercial use") },
	{ "III.3",
	    N_("The provider and its affiliates get a perpetual, worldwide, royalty-free licence to use what you submit, and may use it to improve their services."),
	    N_("licence to your inputs") },
	{ "III.4",
	    N_("Answers may be wrong, incomplete or offensive. Check them yourself: they are not professional, medical, legal or financial advice, and must not be used to make decisions about people."),
	    N_("reliance on outputs") },
	{ "IV",
	    N_("Ratings and comments you give (thumbs up or down) are not confidential: the provider may keep and use them as it likes."),
	    N_("feedback") },
	{ "VI",
	    N_("You agree to the provider's Privacy Policy, and you answer for any personal data about others that you submit."),
	    N_("personal data") },
};
const size_t consent_summary_len = nitems(consent_summary);

const char *const consent_summary_intro = N_(
    "Before confab sends anything to the model, you must accept these Terms. In our own "
    "words, this is what they ask of you (the Terms themselves govern):");
const char *const consent_summary_translated = N_(
    "This summary is in our own words. The Terms are in English: the full text is the "
    "English original, and it is the English Terms that govern.");
const char *const consent_age_question = N_(
    "Are you at least 18 years old and at least the age of majority where you live?");
const char *const consent_underage = N_(
    "the Terms require you to be at least 18 years old and of the age of majority where "
    "you live (I.1), so confab cannot be used");

/* The bytes of a blank at s: a space, a tab or the full-width space U+3000; 0 if none. */
static size_t
consent_blank(const char *s, size_t len)
{
	if (len >= 1 && (*s == ' ' || *s == '\t'))
		return 1;
	if (len >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

char *
consent_word_trim(const char *s)
{
	size_t len = strlen(s), n;

	while ((n = consent_blank(s, len)) != 0) {
		s += n;
		len -= n;
	}
	for (;;) {
		if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		else if (len >= 3 && memcmp(s + len - 3, "\xe3\x80\x80", 3) == 0)
			len -= 3;
		else
			break;
	}
	return xstrndup(s, len);
}

/* Is a one of the words in list (ignoring ASCII case)? */
static bool
consent_word_in(const char *a, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(a, *list) == 0)
			return true;
	return false;
}

bool
consent_word_is(const char *s, enum consent_word word)
{
	static const char *const en[][3] = {
		[CONSENT_WORD_YES] = { "yes", NULL },
		[CONSENT_WORD_NO] = { "no", NULL },
		[CONSENT_WORD_AGREE] = { "agree", NULL },
		[CONSENT_WORD_DECLINE] = { "decline", "no", NULL },
		[CONSENT_WORD_CONFIRM] = { "y", "yes", NULL },
	};
	static const char *const zh[][4] = {
		[CONSENT_WORD_YES] = { "\xe6\x98\xaf", NULL },			    /* 是 */
		[CONSENT_WORD_NO] = { "\xe5\x90\xa6", NULL },			    /* 否 */
		[CONSENT_WORD_AGREE] = { "\xe5\x90\x8c\xe6\x84\x8f", NULL },	    /* 同意 */
		[CONSENT_WORD_DECLINE] = { "\xe6\x8b\x92\xe7\xbb\x9d",		    /* 拒绝 */
		    "\xe4\xb8\x8d\xe5\x90\x8c\xe6\x84\x8f", "\xe5\x90\xa6", NULL }, /* 不同意, 否 */
		[CONSENT_WORD_CONFIRM] = { "\xe6\x98\xaf", NULL },		    /* 是 */
	};
	char *a = consent_word_trim(s);
	bool r = consent_word_in(a, en[word]) || (i18n_chinese() && consent_word_in(a, zh[word]));

	free(a);
	return r;
}

/* Does the summary point's clause ("III.4", "IV") lie in the section numbered numeral? */
static bool
consent_point_in(const struct consent_point *p, const char *numeral)
{
	size_t n = strcspn(p->clause, ".");

	return *numeral != '\0' && strlen(numeral) == n && strncmp(p->clause, numeral, n) == 0;
}

char *
consent_changed_points(const struct terms_diff *d, const struct terms *old, const struct terms *cur)
{
	struct buf b;
	size_t i, k;

	buf_init(&b, 0);
	for (k = 0; k < consent_summary_len; k++)
		for (i = 0; i < d->nsections; i++) {
			const struct terms_section_diff *sd = &d->sections[i];
			const char *num = sd->kind == TERMS_REMOVED ?
			    old->sections[sd->old_index].numeral :
			    cur->sections[sd->new_index].numeral;

			if (sd->kind != TERMS_SAME && consent_point_in(&consent_summary[k], num)) {
				/* TRANSLATORS: between the points of a list: "I.1 minimum age; IV feedback" */
				buf_addf(&b, "%s%s %s", b.len != 0 ? _("; ") : "",
				    consent_summary[k].clause, _(consent_summary[k].topic));
				break;
			}
		}
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}
