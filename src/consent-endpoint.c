/* consent-endpoint.c: what governs an endpoint: terms = none, the loopback question, answers. */
#include "common.h"

#include "consent.h"

const char *const consent_no_terms_question = N_(
    "This server runs on this machine; no provider's Terms apply. Use it without Terms?");

char *
consent_endpoint_url(const char *base_url)
{
	size_t n = strlen(base_url);

	while (n > 0 && base_url[n - 1] == '/')
		n--;
	return xstrndup(base_url, n);
}

struct consent_answer_find {
	const char *url;
	struct consent_event *answer;
};

static int
consent_answer_one(const struct consent_event *ev, void *arg)
{
	struct consent_answer_find *a = arg;

	if (ev->endpoint == NULL || strcmp(ev->endpoint, a->url) != 0)
		return 0;
	consent_event_copy(a->answer, ev);
	return 1;
}

int
consent_endpoint_get(const struct config *cfg, struct store *st, const char *url,
    struct consent_endpoint *ep, char **cause)
{
	static const char *const kinds[] = { "no-terms", NULL };
	struct consent_answer_find a = { .answer = &ep->answer };
	const char *terms = config_get(cfg, CONFIG_TERMS);

	char *base = consent_endpoint_url(config_get(cfg, CONFIG_BASE_URL));
	bool current;

	memset(ep, 0, sizeof *ep);
	ep->url = consent_endpoint_url(url != NULL ? url : base);
	a.url = ep->url;
	/* terms = none is said of the configured endpoint only. */
	current = strcmp(ep->url, base) == 0;
	free(base);
	if (current && terms != NULL && strcmp(terms, "none") == 0) {
		ep->rule = CONSENT_RULE_NONE;
		return 0;
	}
	ep->rule = CONSENT_RULE_TERMS;
	if (config_get(cfg, CONFIG_TERMS_FILE) != NULL ||
	    config_get(cfg, CONFIG_TERMS_URL) != NULL || !config_is_loopback(ep->url))
		return 0;
	if (store_ledger_each(st, kinds, 1, consent_answer_one, &a, cause) != 0)
		return -1;
	if (ep->answer.kind == NULL)
		ep->askable = true;
	else if (ep->answer.detail != NULL && strcmp(ep->answer.detail, "yes") == 0)
		ep->rule = CONSENT_RULE_ANSWERED;
	return 0;
}

void
consent_endpoint_release(struct consent_endpoint *ep)
{
	free(ep->url);
	consent_event_release(&ep->answer);
	memset(ep, 0, sizeof *ep);
}

const char *
consent_rule_name(enum consent_rule r)
{
	switch (r) {
	case CONSENT_RULE_TERMS:
		return "terms";
	case CONSENT_RULE_NONE:
		return "none";
	case CONSENT_RULE_ANSWERED:
		return "no-terms";
	}
	return "?";
}

int
consent_no_terms_record(struct store *st, const struct terms *t, const char *url, bool yes,
    const char *method, char **cause)
{
	struct consent_event ev = {
		.kind = xstrdup("no-terms"),
		.method = xstrdup(method),
		.detail = xstrdup(yes ? "yes" : "no"),
		.endpoint = consent_endpoint_url(url),
		.shown_bytes = -1,
		.duration_ms = -1,
	};
	int r = consent_record(st, t, &ev, cause);

	consent_event_release(&ev);
	return r;
}
