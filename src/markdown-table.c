/* markdown-table.c: Markdown tables gathered cell by cell, then laid out in columns. */
#include "common.h"

#include <md4c.h>

#include "buf.h"
#include "markdown.h"
#include "markdown-internal.h"
#include "text.h"

/* ---- tables -------------------------------------------------------------- */

void
md_table_free(struct md_table *tb)
{
	size_t i;

	for (i = 0; i < tb->nrows * tb->ncols; i++)
		md_text_release(&tb->cells[i]);
	free(tb->cells);
	free(tb->align);
	memset(tb, 0, sizeof *tb);
}

void
md_table_begin(struct md_render *r, const MD_BLOCK_TABLE_DETAIL *d)
{
	struct md_table *tb = &r->table;

	md_table_free(tb);
	tb->ncols = d->col_count;
	tb->nhead = d->head_row_count;
	tb->align = xcalloc(tb->ncols + 1, sizeof *tb->align);
}

/* A new row of empty cells. */
void
md_table_row(struct md_render *r)
{
	struct md_table *tb = &r->table;
	size_t i;

	if (tb->ncols == 0)
		return;
	if (tb->nrows == tb->rowsalloc) {
		tb->rowsalloc = tb->rowsalloc == 0 ? 8 : tb->rowsalloc * 2;
		tb->cells = xreallocarray(tb->cells, tb->rowsalloc * tb->ncols, sizeof *tb->cells);
	}
	for (i = 0; i < tb->ncols; i++)
		md_text_init(&tb->cells[tb->nrows * tb->ncols + i]);
	tb->nrows++;
	tb->col = 0;
}

/* The end of a cell: keep its text. */
void
md_table_cell_end(struct md_render *r, const MD_BLOCK_TD_DETAIL *d)
{
	struct md_table *tb = &r->table;
	struct md_text tmp;

	if (tb->nrows > 0 && tb->col < tb->ncols) {
		tmp = tb->cells[(tb->nrows - 1) * tb->ncols + tb->col];
		tb->cells[(tb->nrows - 1) * tb->ncols + tb->col] = r->in;
		r->in = tmp;
		if (tb->nrows == 1 && d != NULL)
			tb->align[tb->col] = (int)d->align;
	}
	tb->col++;
	r->leaf = MD_L_NONE;
	md_text_reset(&r->in);
	md_refs_clear(r);
}

/* Sum of the column widths w capped at cap. */
static long
md_cap_sum(const int *w, size_t n, int cap)
{
	long sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += w[i] < cap ? w[i] : cap;
	return sum;
}

/* Narrow the shrunk columns w to the widest line their wrapped cells have. */
static void
md_table_fit(const struct md_table *tb, int *w)
{
	struct md_segs segs = { NULL, 0, 0 };
	const struct md_text *cell;
	int *used = xcalloc(tb->ncols, sizeof *used), sw;
	size_t i, k, c;

	for (i = 0; i < tb->nrows * tb->ncols; i++) {
		c = i % tb->ncols;
		cell = &tb->cells[i];
		md_wrap(cell->text.data, cell->text.len, w[c], &segs);
		for (k = 0; k < segs.n; k++) {
			sw = text_width(cell->text.data + segs.v[k].off, segs.v[k].len);
			if (sw > used[c])
				used[c] = sw;
		}
	}
	for (c = 0; c < tb->ncols; c++) {
		if (used[c] < w[c])
			w[c] = used[c] < 1 ? 1 : used[c];
	}
	free(used);
	free(segs.v);
}

/* Column widths: as wide as their cells if they fit in room, else the widest shrunk alike. */
static int *
md_table_widths(const struct md_table *tb, int room)
{
	int *w = xcalloc(tb->ncols, sizeof *w), lo = 2, hi = 2, mid, cw;
	size_t i, c;
	long extra;

	for (i = 0; i < tb->nrows * tb->ncols; i++) {
		c = i % tb->ncols;
		cw = text_width(tb->cells[i].text.data, tb->cells[i].text.len);
		if (cw > w[c])
			w[c] = cw;
	}
	for (c = 0; c < tb->ncols; c++) {
		if (w[c] < 1)
			w[c] = 1;
		if (w[c] > hi)
			hi = w[c];
	}
	if (md_cap_sum(w, tb->ncols, hi) <= room)
		return w;
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (md_cap_sum(w, tb->ncols, mid) <= room)
			lo = mid;
		else
			hi = mid - 1;
	}
	extra = room - md_cap_sum(w, tb->ncols, lo);
	for (c = 0; c < tb->ncols; c++) {
		if (w[c] > lo)
			w[c] = lo + (extra-- > 0 ? 1 : 0);
	}
	md_table_fit(tb, w);
	return w;
}

/* One cell's piece of a table line (seg, or none), padded to w columns as aligned. */
static void
md_table_piece(struct md_render *r, const struct md_text *cell, const struct md_seg *seg, int w,
    int align, size_t *ri, unsigned int extra)
{
	int cw = 0, left = 0;

	if (seg != NULL)
		cw = text_width(cell->text.data + seg->off, seg->len);
	if (align == MD_ALIGN_RIGHT)
		left = w - cw;
	else if (align == MD_ALIGN_CENTER)
		left = (w - cw) / 2;
	md_line_spaces(r, left, 0);
	if (seg != NULL)
		md_line_text(r, cell, seg->off, seg->len, ri, extra);
	md_line_spaces(r, w - cw - left, 0);
}

/* One table row: each cell wrapped in its column, as tall as its tallest cell. */
static void
md_table_line(struct md_render *r, size_t row, const int *w, struct md_segs *segs, size_t *ri)
{
	struct md_table *tb = &r->table;
	struct md_text *cell;
	unsigned int extra = row < tb->nhead ? MD_BOLD : 0;
	size_t c, k, height = 0;

	for (c = 0; c < tb->ncols; c++) {
		cell = &tb->cells[row * tb->ncols + c];
		md_wrap(cell->text.data, cell->text.len, w[c], &segs[c]);
		if (segs[c].n > height)
			height = segs[c].n;
		ri[c] = 0;
	}
	for (k = 0; k < height; k++) {
		md_line_start(r);
		for (c = 0; c < tb->ncols; c++) {
			if (c > 0)
				md_line_add(r, " │ ", strlen(" │ "), MD_DIM);
			md_table_piece(r, &tb->cells[row * tb->ncols + c],
			    k < segs[c].n ? &segs[c].v[k] : NULL, w[c], tb->align[c], &ri[c],
			    extra);
		}
		(void)md_line_end(r, true);
	}
}

/* The rule under the header row. */
static void
md_table_rule(struct md_render *r, const int *w)
{
	size_t c;

	md_line_start(r);
	for (c = 0; c < r->table.ncols; c++) {
		if (c > 0)
			md_line_add(r, "─┼─", strlen("─┼─"), MD_DIM);
		md_line_repeat(r, "─", w[c], MD_DIM);
	}
	(void)md_line_end(r, false);
}

/* A table with too many columns for the room: each row a paragraph, cells parted by " │ ". */
static void
md_table_flat(struct md_render *r)
{
	struct md_table *tb = &r->table;
	struct md_text row;
	size_t i, c;

	md_text_init(&row);
	for (i = 0; i < tb->nrows; i++) {
		md_text_reset(&row);
		for (c = 0; c < tb->ncols; c++) {
			if (c > 0)
				md_put(&row, " │ ", strlen(" │ "), MD_DIM);
			md_text_copy(&row, &tb->cells[i * tb->ncols + c],
			    i < tb->nhead ? MD_BOLD : 0);
		}
		(void)md_flow(r, &row, 0);
	}
	md_text_release(&row);
}

/* Lay out the table that ended: columns sized to fit, cells wrapped, dim rules. */
void
md_table_end(struct md_render *r)
{
	struct md_table *tb = &r->table;
	struct md_segs *segs;
	size_t row, c, *ri;
	int room = md_room(r), *w;

	if (tb->ncols == 0 || tb->nrows == 0)
		goto out;
	if (tb->ncols > (unsigned int)room / 5) {
		md_table_flat(r);
		goto out;
	}
	room -= 3 * ((int)tb->ncols - 1);
	w = md_table_widths(tb, room);
	segs = xcalloc(tb->ncols, sizeof *segs);
	ri = xcalloc(tb->ncols, sizeof *ri);
	for (row = 0; row < tb->nrows; row++) {
		md_table_line(r, row, w, segs, ri);
		if (row + 1 == tb->nhead)
			md_table_rule(r, w);
	}
	for (c = 0; c < tb->ncols; c++)
		free(segs[c].v);
	free(segs);
	free(ri);
	free(w);
out:
	md_table_free(tb);
	r->leafopen = false;
}
