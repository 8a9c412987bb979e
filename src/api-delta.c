/*
 * api-delta.c: the parsed chunk (struct api_delta) and its error, set empty and
 * released. Its own file so that api.c (the tree parser) and api-fast.c (the
 * fast path it tries first) both use it without calling each other in a cycle.
 */
#include "common.h"

#include "api.h"

void
api_delta_init(struct api_delta *d)
{
	memset(d, 0, sizeof *d);
	d->usage.prompt_tokens = -1;
	d->usage.completion_tokens = -1;
	d->usage.total_tokens = -1;
	d->usage.reasoning_tokens = -1;
}

void
api_error_release(struct api_error *e)
{
	if (e == NULL)
		return;
	free(e->message);
	free(e->code);
	free(e->type);
	memset(e, 0, sizeof *e);
}

void
api_delta_release(struct api_delta *d)
{
	if (d == NULL)
		return;
	free(d->content);
	free(d->reasoning);
	free(d->refusal);
	free(d->finish_reason);
	if (!d->names_lent) {
		free(d->model);
		free(d->id);
	}
	api_error_release(&d->error);
	api_delta_init(d);
}
