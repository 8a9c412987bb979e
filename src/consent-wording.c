/* consent-wording.c: the Terms in our own words, and which of those points a change touches. */
#include "common.h"

#include "buf.h"
#include "consent.h"

const struct consent_point consent_summary[] = {
	{ "I.1",
	    "You are at least 18, or the age of majority where you live if that is "
	    "higher.",
	    "minimum age" },
	{ "I.3",
	    "Your account and API key are for you alone: keep them secret. You answer "
	    "for everything done with them.",
	    "account security" },
	{ "II.2",
	    "You follow the Usage Policy: nothing that endangers critical systems, "
	    "children or anyone's privacy; no extremism, sexual content, misinformation or "
	    "political campaign material; no tailored legal, medical or financial advice for "
	    "others.",
	    "usage policy" },
	{ "II.3",
	    "The service is for your personal learning, research and experiments: no "
	    "commercial use without the provider's written consent.",
	    "non-commercial use" },
	{ "III.3",
	    "The provider and its affiliates get a perpetual, worldwide, royalty-free "
	    "licence to use what you submit, and may use it to improve their services.",
	    "licence to your inputs" },
	{ "III.4",
	    "Answers may be wrong, incomplete or offensive. Check them yourself: they "
	    "are not professional, medical, legal or financial advice, and must not be used "
	    "to make decisions about people.",
	    "reliance on outputs" },
	{ "IV",
	    "Ratings and comments you give (thumbs up or down) are not confidential: the "
	    "provider may keep and use them as it likes.",
	    "feedback" },
	{ "VI",
	    "You agree to the provider's Privacy Policy, and you answer for any personal "
	    "data about others that you submit.",
	    "personal data" },
};
const size_t consent_summary_len = nitems(consent_summary);

const char consent_summary_intro[] =
    "Before confab sends anything to the model, you must "
    "accept these Terms. In our own words, this is what they ask of you (the Terms "
    "themselves govern):";
const char consent_age_question[] = "Are you at least 18 years old and at least the age of "
				    "majority where you live?";
const char consent_underage[] =
    "the Terms require you to be at least 18 years old and of "
    "the age of majority where you live (I.1), so confab cannot be used";

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
				buf_addf(&b, "%s%s %s", b.len != 0 ? "; " : "",
				    consent_summary[k].clause, consent_summary[k].topic);
				break;
			}
		}
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}
