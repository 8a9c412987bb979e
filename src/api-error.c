/* api-error.c: API errors classified by code, type and HTTP status (see api.h). */
#include "common.h"

#include "api.h"

#include <ctype.h>

/* Is c a separator that codes are compared without? */
static bool
api_code_sep(char c)
{
	return c == '_' || c == '-' || c == '.';
}

/*
 * Does s match word, ignoring ASCII case and the separators '_', '-' and '.'?
 * word is lowercase without separators. With prefix, s may go on after word.
 */
static bool
api_code_match(const char *s, const char *word, bool prefix)
{
	if (s == NULL)
		return false;
	for (;; s++) {
		if (api_code_sep(*s))
			continue;
		if (*word == '\0')
			return prefix || *s == '\0';
		if (tolower((unsigned char)*s) != *word)
			return false;
		word++;
	}
}

/* Does the code or the type of e match word exactly (see api_code_match)? */
static bool
api_error_is(const struct api_error *e, const char *word)
{
	if (e == NULL)
		return false;
	return api_code_match(e->code, word, false) || api_code_match(e->type, word, false);
}

bool
api_error_is_content_filter(const struct api_error *e)
{
	return api_error_is(e, "datainspectionfailed") || api_error_is(e, "contentfilter");
}

bool
api_error_is_quota(const struct api_error *e)
{
	return api_error_is(e, "insufficientquota");
}

/* Codes and types that decide an error's class, normalised for api_code_match. */
static const struct {
	const char *word;
	bool prefix;
	enum api_error_class class;
} api_error_words[] = {
	{ "invalidapikey", false, API_ERR_AUTH },
	{ "authenticationerror", false, API_ERR_AUTH },
	{ "permissionerror", false, API_ERR_AUTH },
	{ "permissiondenied", false, API_ERR_AUTH },
	{ "unauthorized", false, API_ERR_AUTH },
	{ "invalidauthentication", false, API_ERR_AUTH },
	{ "accessdenied", true, API_ERR_AUTH },
	{ "limitrequests", false, API_ERR_RATE_LIMIT },
	{ "ratelimitexceeded", false, API_ERR_RATE_LIMIT },
	{ "ratelimiterror", false, API_ERR_RATE_LIMIT },
	{ "requests", false, API_ERR_RATE_LIMIT },
	{ "toomanyrequests", false, API_ERR_RATE_LIMIT },
	{ "throttling", true, API_ERR_RATE_LIMIT },
	{ "servererror", false, API_ERR_OVERLOAD },
	{ "internalerror", true, API_ERR_OVERLOAD },
	{ "serviceunavailable", false, API_ERR_OVERLOAD },
	{ "overloaded", false, API_ERR_OVERLOAD },
	{ "overloadederror", false, API_ERR_OVERLOAD },
	{ "engineoverloaded", false, API_ERR_OVERLOAD },
	{ "timeout", false, API_ERR_OVERLOAD },
	{ "badgateway", false, API_ERR_OVERLOAD },
};

/* The class a code or type names (api_error_words), or API_ERR_OTHER. */
static enum api_error_class
api_error_word_class(const char *s)
{
	size_t i;

	for (i = 0; i < nitems(api_error_words); i++) {
		if (api_code_match(s, api_error_words[i].word, api_error_words[i].prefix))
			return api_error_words[i].class;
	}
	return API_ERR_OTHER;
}

/* An all-digit code (llama.cpp's 500, OpenRouter's 502) as a number, else 0. */
static long
api_code_status(const char *code)
{
	long n = 0;
	size_t i;

	if (code == NULL || *code == '\0' || strlen(code) > 3)
		return 0;
	for (i = 0; code[i] != '\0'; i++) {
		if (code[i] < '0' || code[i] > '9')
			return 0;
		n = n * 10 + (code[i] - '0');
	}
	return n;
}

/* The class an HTTP status stands for. */
static enum api_error_class
api_status_class(long status)
{
	switch (status) {
	case 401:
	case 403:
		return API_ERR_AUTH;
	case 429:
		return API_ERR_RATE_LIMIT;
	case 408:
	case 409:
	case 500:
	case 502:
	case 503:
	case 504:
	case 529:
		return API_ERR_OVERLOAD;
	}
	return API_ERR_OTHER;
}

enum api_error_class
api_error_classify(const struct api_error *e, long status)
{
	enum api_error_class c;

	if (api_error_is_content_filter(e))
		return API_ERR_FILTER;
	if (api_error_is_quota(e))
		return API_ERR_QUOTA;
	if (e != NULL) {
		if ((c = api_error_word_class(e->code)) != API_ERR_OTHER)
			return c;
		if ((c = api_error_word_class(e->type)) != API_ERR_OTHER)
			return c;
	}
	if ((status < 400 || status > 599) && e != NULL)
		status = api_code_status(e->code);
	return api_status_class(status);
}

bool
api_error_class_retryable(enum api_error_class c)
{
	return c == API_ERR_RATE_LIMIT || c == API_ERR_OVERLOAD;
}

const char *
api_error_class_name(enum api_error_class c)
{
	switch (c) {
	case API_ERR_AUTH:
		return "auth";
	case API_ERR_RATE_LIMIT:
		return "rate-limit";
	case API_ERR_OVERLOAD:
		return "overload";
	case API_ERR_QUOTA:
		return "quota";
	case API_ERR_FILTER:
		return "filter";
	case API_ERR_OTHER:
		break;
	}
	return "other";
}
