/* markdown-code.c: finding the code blocks of a Markdown source, for /copy code. */
#include "common.h"

#include <limits.h>
#include <md4c.h>

#include "buf.h"
#include "markdown.h"

struct md_blocks {
	size_t want; /* the block asked for, from 1; 0: the last */
	size_t count;
	bool in;	/* inside a code block */
	struct buf cur; /* the block being read */
	char *found;
};

static int
md_code_enter(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct md_blocks *b = arg;

	if (type == MD_BLOCK_CODE) {
		b->in = true;
		b->count++;
		buf_reset(&b->cur);
	}
	return 0;
}

static int
md_code_leave(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct md_blocks *b = arg;

	if (type != MD_BLOCK_CODE || !b->in)
		return 0;
	b->in = false;
	if (b->want == 0 || b->want == b->count) {
		while (b->cur.len > 0 && b->cur.data[b->cur.len - 1] == '\n')
			b->cur.len--; /* pasted into a shell, a final newline would run it */
		free(b->found);
		b->found = xstrndup(b->cur.data, b->cur.len);
	}
	return 0;
}

static int
md_code_span(MD_SPANTYPE type, void *detail, void *arg)
{
	return 0;
}

static int
md_code_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct md_blocks *b = arg;

	if (b->in && (type == MD_TEXT_CODE || type == MD_TEXT_NORMAL))
		(void)buf_add(&b->cur, s, n);
	return 0;
}

char *
markdown_code_block(const char *src, size_t len, size_t n, size_t *count)
{
	static const char pad[16];
	struct md_blocks b = { .want = n };
	MD_PARSER parser;
	struct buf copy;

	if (len > UINT_MAX / 4)
		len = UINT_MAX / 4;
	buf_init(&copy, SIZE_MAX / 2); /* md4c may read a little past the end: NUL there */
	(void)buf_add(&copy, src, len);
	(void)buf_add(&copy, pad, sizeof pad);
	buf_init(&b.cur, SIZE_MAX / 2);
	memset(&parser, 0, sizeof parser);
	parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
	parser.enter_block = md_code_enter;
	parser.leave_block = md_code_leave;
	parser.enter_span = md_code_span;
	parser.leave_span = md_code_span;
	parser.text = md_code_text;
	(void)md_parse(copy.data, (MD_SIZE)len, &parser, &b);
	buf_release(&b.cur);
	buf_release(&copy);
	*count = b.count;
	if (n > b.count) {
		free(b.found);
		return NULL;
	}
	return b.found;
}
