/* json.c: JSON values built and printed for --json and the feedback payload (over cJSON). */
#include "common.h"

#include <cjson/cJSON.h>

#include "buf.h"
#include "json.h"

void *
json_oom(void *v)
{
	if (v == NULL)
		fatal(_("out of memory building JSON"));
	return v;
}

struct cJSON *
json_object(void)
{
	return json_oom(cJSON_CreateObject());
}

struct cJSON *
json_array(void)
{
	return json_oom(cJSON_CreateArray());
}

void
json_free(struct cJSON *v)
{
	cJSON_Delete(v);
}

void
json_add_str(struct cJSON *o, const char *key, const char *s)
{
	if (s != NULL)
		json_oom(cJSON_AddStringToObject(o, key, s));
}

void
json_add_str_or_null(struct cJSON *o, const char *key, const char *s)
{
	if (s != NULL)
		json_add_str(o, key, s);
	else
		json_add_null(o, key);
}

void
json_add_num(struct cJSON *o, const char *key, double n)
{
	json_oom(cJSON_AddNumberToObject(o, key, n));
}

void
json_add_bool(struct cJSON *o, const char *key, bool b)
{
	json_oom(cJSON_AddBoolToObject(o, key, b));
}

void
json_add_null(struct cJSON *o, const char *key)
{
	json_oom(cJSON_AddNullToObject(o, key));
}

void
json_add(struct cJSON *o, const char *key, struct cJSON *v)
{
	if (!cJSON_AddItemToObject(o, key, json_oom(v)))
		fatal(_("out of memory"));
}

struct cJSON *
json_add_object(struct cJSON *o, const char *key)
{
	return json_oom(cJSON_AddObjectToObject(o, key));
}

struct cJSON *
json_add_array(struct cJSON *o, const char *key)
{
	return json_oom(cJSON_AddArrayToObject(o, key));
}

void
json_push(struct cJSON *a, struct cJSON *v)
{
	if (!cJSON_AddItemToArray(a, json_oom(v)))
		fatal(_("out of memory"));
}

void
json_push_str(struct cJSON *a, const char *s)
{
	json_push(a, cJSON_CreateString(s));
}

char *
json_print(const struct cJSON *v, bool pretty)
{
	char *p = pretty ? cJSON_Print(v) : cJSON_PrintUnformatted(v), *s;

	if (p == NULL)
		fatal(_("out of memory"));
	s = xstrdup(p); /* the caller frees with free(), whatever cJSON's hooks */
	cJSON_free(p);
	return s;
}

struct cJSON *
json_parse_array(const char *s)
{
	cJSON *v = s != NULL ? cJSON_Parse(s) : NULL;

	if (cJSON_IsArray(v))
		return v;
	cJSON_Delete(v);
	return NULL;
}

char *
json_join_strings(const struct cJSON *a, const char *sep)
{
	const cJSON *v;
	struct buf b;
	char *s = NULL;

	buf_init(&b, 0);
	cJSON_ArrayForEach (v, a) {
		if (cJSON_IsString(v))
			buf_addf(&b, "%s%s", b.len > 0 ? sep : "", v->valuestring);
	}
	if (b.len > 0)
		s = buf_detach(&b, NULL);
	buf_release(&b);
	return s;
}
