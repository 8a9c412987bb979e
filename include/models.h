/*
 * models.h: the endpoint's model list for a session (/model, Tab after
 * /model, /endpoint to a local server). GET /models through the event loop,
 * never blocking it; the list is fetched once per endpoint and kept.
 */
#ifndef CONFAB_MODELS_H
#define CONFAB_MODELS_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct models;

/* When a fetch ends: error is NULL when the list arrived (it may be empty). */
typedef void (*models_done_fn)(const char *error, void *arg);

struct models *models_new(struct loop *loop);
void models_free(struct models *m); /* NULL-safe; a fetch under way is cancelled */

/*
 * Fetch base's list (auth: an "Authorization: ..." header or NULL). When the
 * list of base is kept already, done runs at once; when a fetch of base is
 * under way, done replaces its callback. Another base forgets the old list.
 */
void models_fetch(struct models *m, const char *base, const char *auth, long timeout_s,
    models_done_fn done, void *arg);

/* The list kept for base, or NULL (*n 0) when there is none (yet). Borrowed. */
char **models_list(const struct models *m, const char *base, size_t *n);

/* Is a fetch of base under way? */
bool models_fetching(const struct models *m, const char *base);

/* Forget the list and stop a fetch (the endpoint changed); no callback runs. */
void models_forget(struct models *m);

#endif
