/*
 * json.h: the JSON that confab writes (--json output, the rating sent to
 * feedback_url), built as values and printed. Pure: the one place besides the API
 * parsers (api.c, api-fast.c) and the notices (disclaimer.c) that knows
 * cJSON; callers see only struct cJSON as an opaque value.
 *
 * A value added to another belongs to it; json_free() the outermost. As in
 * cJSON, json_add_str() with a NULL string adds nothing (json_add_str_or_null
 * adds null).
 */
#ifndef CONFAB_JSON_H
#define CONFAB_JSON_H

#include <stdbool.h>

struct cJSON;

/* p, or die: cJSON reports running out of memory as NULL (also for api*.c). */
void *json_oom(void *p);

struct cJSON *json_object(void);
struct cJSON *json_array(void);
void json_free(struct cJSON *v);

void json_add_str(struct cJSON *o, const char *key, const char *s);
void json_add_str_or_null(struct cJSON *o, const char *key, const char *s);
void json_add_num(struct cJSON *o, const char *key, double n);
void json_add_bool(struct cJSON *o, const char *key, bool b);
void json_add_null(struct cJSON *o, const char *key);
void json_add(struct cJSON *o, const char *key, struct cJSON *v);
/* A new object under key, returned to fill. */
struct cJSON *json_add_object(struct cJSON *o, const char *key);
/* A new array under key, returned to fill. */
struct cJSON *json_add_array(struct cJSON *o, const char *key);

void json_push(struct cJSON *a, struct cJSON *v);
void json_push_str(struct cJSON *a, const char *s);

/* v as text (caller frees with free()): indented when pretty, else one line. */
char *json_print(const struct cJSON *v, bool pretty);

/* s parsed when it is a JSON array, else NULL (s may be NULL). */
struct cJSON *json_parse_array(const char *s);

/* The strings of array a joined with sep (caller frees), or NULL when there are none. */
char *json_join_strings(const struct cJSON *a, const char *sep);

#endif
