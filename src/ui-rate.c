/*
 * ui-rate.c: rating answers on the chat screen (select one, + or -) and the
 * dialogs over the input: the feedback notice, the reasons and comment of a
 * thumbs-down, and the y/N questions (withdraw, save profile) that share them.
 */
#include "common.h"

#include <curses.h>
#include <strings.h>

#include "buf.h"
#include "feedback.h"
#include "markdown.h"
#include "session.h"
#include "ui-chat-internal.h"
#include "ui-keys.h"
#include "ui.h"

/* The answer a rating goes to: the selected one, or the latest finished one. */
static struct chat_msg *
chat_selected(struct ui_chat *c)
{
	size_t i;

	if (c->sel >= 0 && (size_t)c->sel < c->nmsgs)
		return c->msgs[c->sel];
	for (i = c->nmsgs; i-- > 0;)
		if (c->msgs[i]->kind == MSG_ASSISTANT && !c->msgs[i]->streaming)
			return c->msgs[i];
	return NULL;
}

/* Move the selection to an older (-1) or newer (+1) answer; past the newest clears it. */
void
chat_select_move(struct ui_chat *c, int dir)
{
	ssize_t i = c->sel >= 0 ? c->sel : (ssize_t)c->nmsgs;

	for (i += dir; i >= 0 && (size_t)i < c->nmsgs; i += dir)
		if (c->msgs[i]->kind == MSG_ASSISTANT && !c->msgs[i]->streaming) {
			c->sel = i;
			return;
		}
	if (dir > 0)
		c->sel = -1;
}

static void
chat_modal_open(struct ui_chat *c, enum chat_modal modal)
{
	c->modal = modal;
	buf_reset(&c->field);
	ui_dirty(c->ui);
}

/* The rating view callbacks: the notice first, reasons after a thumbs-down. */
void
chat_notice(void *arg, const char *text)
{
	struct ui_chat *c = arg;

	free(c->notice);
	c->notice = xstrdup(text);
	c->no_terms = false;
	chat_modal_open(c, MODAL_NOTICE);
}

/* The loopback question after /endpoint: the notice's yes/no field asks it. */
void
chat_no_terms(void *arg, const char *question)
{
	struct ui_chat *c = arg;

	free(c->notice);
	c->notice = xstrdup(question);
	c->no_terms = true;
	chat_modal_open(c, MODAL_NOTICE);
}

/* /terms withdraw: the session's y/N question over the input; one key answers. */
void
chat_withdraw(void *arg, const char *question)
{
	struct ui_chat *c = arg;

	free(c->notice);
	c->notice = xstrdup(question);
	c->profile_q = false;
	chat_modal_open(c, MODAL_WITHDRAW);
}

/* After /endpoint to this machine: save it as a profile? The y/N line asks; one key answers. */
void
chat_save_profile(void *arg, const char *question)
{
	struct ui_chat *c = arg;

	free(c->notice);
	c->notice = xstrdup(question);
	c->profile_q = true;
	chat_modal_open(c, MODAL_WITHDRAW);
}

void
chat_why(void *arg, int64_t id)
{
	struct ui_chat *c = arg;

	c->rating_id = id;
	c->reasons = 0;
	chat_modal_open(c, MODAL_REASONS);
}

/* An answer's rating changed: its mark follows. */
void
chat_rated(void *arg, int64_t id, int rating)
{
	struct ui_chat *c = arg;
	size_t i;

	for (i = 0; i < c->nmsgs; i++)
		if (c->msgs[i]->kind == MSG_ASSISTANT && c->msgs[i]->id == id) {
			c->msgs[i]->rating = rating;
			c->msgs[i]->rating_known = true;
		}
	ui_dirty(c->ui);
}

/* '+' or '-' on an answer: rate it, or clear the same rating again. */
void
chat_thumb_key(struct ui_chat *c, int rating)
{
	struct chat_msg *m = chat_selected(c);

	if (m == NULL || m->id <= 0) {
		chat_status(c,
		    m == NULL ? _("there is no answer to rate yet") :
				_("this answer was not stored (--no-log), so it cannot be rated"),
		    true);
		return;
	}
	session_thumb(c->s, m->id, rating);
}

/* The reasons chosen in the dialog, comma-separated (allocated), or NULL. */
static char *
chat_reasons(const struct ui_chat *c)
{
	const char *const *names = feedback_reasons(-1);
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; names[i] != NULL; i++)
		if (c->reasons & (1u << i))
			buf_addf(&b, "%s%s", b.len > 0 ? "," : "", names[i]);
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Typing into the dialog's field: printable bytes, Backspace. */
static bool
chat_field_key(struct ui_chat *c, int key)
{
	if (UI_KEY_IS_BACKSPACE(key)) {
		while (c->field.len > 0 && (c->field.data[c->field.len - 1] & 0xc0) == 0x80)
			c->field.len--;
		if (c->field.len > 0)
			c->field.len--;
		c->field.data[c->field.len] = '\0';
		return true;
	}
	if (UI_KEY_IS_TEXT(key)) {
		buf_addc(&c->field, (char)key);
		return true;
	}
	return false;
}

/* The notice: yes confirms (and the rating goes ahead), no or Esc declines. */
void
chat_notice_answer(struct ui_chat *c, bool confirmed, const char *how)
{
	c->modal = MODAL_NONE;
	if (!c->no_terms)
		session_notice_answer(c->s, confirmed, how);
	else if (strncmp(how, "typed", 5) == 0)
		session_no_terms_answer(c->s, confirmed, how);
	else /* only a typed answer counts: Esc and Ctrl-C leave the question open */
		chat_say(c, _("no answer: nothing was recorded, and the Terms govern this server"),
		    false);
}

/* The withdraw question: y withdraws; any other key keeps consent. */
void
chat_withdraw_answer(struct ui_chat *c, bool yes)
{
	c->modal = MODAL_NONE;
	if (c->profile_q) {
		c->profile_q = false;
		session_profile_answer(c->s, yes);
	} else
		session_withdraw_answer(c->s, yes);
}

/* The reasons dialog ended: the thumbs-down is stored, with what was given. */
void
chat_why_done(struct ui_chat *c, const char *comment)
{
	char *reasons = chat_reasons(c);

	c->modal = MODAL_NONE;
	session_rate(c->s, c->rating_id, -1, reasons != NULL ? reasons : "", comment);
	free(reasons);
}

/*
 * Full-width digits (U+FF11..U+FF19, what a Chinese or Japanese input method
 * types) count as ASCII ones: their UTF-8 bytes come one key at a time.
 * Returns the digit once its last byte is in, 0 while one is under way.
 */
static int
chat_digit_key(struct ui_chat *c, int key)
{
	if (c->fullwidth == 0 && key == 0xef) {
		c->fullwidth = 1;
		return 0;
	}
	if (c->fullwidth == 1 && key == 0xbc) {
		c->fullwidth = 2;
		return 0;
	}
	if (c->fullwidth == 2 && key >= 0x91 && key <= 0x99) {
		c->fullwidth = 0;
		return '1' + (key - 0x91);
	}
	c->fullwidth = 0;
	return key;
}

/*
 * A key of a y/N question: 1 for y (or 是, whose UTF-8 bytes come one key at
 * a time), 0 for any other key, -1 while a character is under way.
 */
static int
chat_yes_key(struct ui_chat *c, int key)
{
	static const char yes[] = "是";
	unsigned char lead;
	size_t need;

	if (key == 'y' || key == 'Y')
		return 1;
	if (key < 0x80 || key > 0xff) {
		buf_reset(&c->field);
		return 0;
	}
	buf_addc(&c->field, (char)key);
	lead = (unsigned char)c->field.data[0];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (c->field.len < need)
		return -1; /* more bytes of the character to come */
	key = strcmp(c->field.data, yes) == 0;
	buf_reset(&c->field);
	return key;
}

/* Keys while a dialog is open. */
void
chat_modal_key(struct ui_chat *c, int key)
{
	const char *const *names = feedback_reasons(-1);

	if (c->modal == MODAL_WITHDRAW) {
		int yes = chat_yes_key(c, key);

		if (yes >= 0)
			chat_withdraw_answer(c, yes == 1);
	} else if (c->modal == MODAL_NOTICE) {
		/* the words typed are recorded as typed: yes, no, or 是 and 否 */
		bool yes = key == UI_KEY_ENTER &&
		    (strcasecmp(c->field.data, "yes") == 0 || strcmp(c->field.data, "是") == 0);
		bool no = key == UI_KEY_ENTER &&
		    (strcasecmp(c->field.data, "no") == 0 || strcmp(c->field.data, "否") == 0);

		if (key == UI_KEY_ESC)
			chat_notice_answer(c, false, "Esc (full-screen)");
		else if (yes || no) {
			char *how = xasprintf("typed '%s' (full-screen)",
			    strcasecmp(c->field.data, "yes") == 0    ? "yes" :
				strcasecmp(c->field.data, "no") == 0 ? "no" :
								       c->field.data);

			chat_notice_answer(c, yes, how);
			free(how);
		} else if (key == UI_KEY_ENTER)
			chat_status(c,
			    c->no_terms ? _("type yes or no") : _("type yes to confirm, or no"),
			    true);
		else
			chat_field_key(c, key);
	} else if (c->modal == MODAL_REASONS) {
		key = chat_digit_key(c, key);
		if (key >= '1' && key <= '9' && names[key - '1'] != NULL)
			c->reasons ^= 1u << (key - '1');
		else if (key == UI_KEY_ENTER)
			chat_modal_open(c, MODAL_COMMENT);
		else if (key == UI_KEY_ESC)
			chat_why_done(c, NULL);
	} else if (c->modal == MODAL_COMMENT) {
		if (key == UI_KEY_ENTER || key == UI_KEY_ESC)
			chat_why_done(c,
			    key == UI_KEY_ENTER && c->field.len > 0 ? c->field.data : NULL);
		else
			chat_field_key(c, key);
	}
	ui_dirty(c->ui);
}

/* Draw the open dialog over the input area (and the notice over the transcript). */
void
chat_draw_modal(struct ui_chat *c, int top, int th, int iy, int rows, int cols)
{
	const char *const *names = feedback_reasons(-1);
	struct buf line;
	struct md_doc doc = { 0 };
	size_t i;
	int y;

	buf_init(&line, 0);
	if (c->modal == MODAL_NOTICE) {
		for (y = top; y < top + th; y++) {
			move(y, 0);
			clrtoeol();
		}
		chat_plain(&doc, c->notice, strlen(c->notice), cols - 2, 0);
		for (i = 0; i < doc.nlines && (int)i < th; i++)
			chat_draw_md_line(c->ui, top + (int)i, &doc.lines[i], cols - 2, 0);
		markdown_doc_release(&doc);
		buf_addf(&line,
		    c->no_terms ? _("Type yes or no and Enter (Esc: not now): %s") :
				  _("Type yes and Enter to confirm, no or Esc to decline: %s"),
		    c->field.data);
	} else if (c->modal == MODAL_WITHDRAW) {
		buf_addf(&line, "%s ", c->notice);
	} else if (c->modal == MODAL_REASONS) {
		/* TRANSLATORS: the question before the reasons of a thumbs-down, with a blank */
		buf_adds(&line, _("Why? "));
		for (i = 0; names[i] != NULL; i++)
			buf_addf(&line, "%s[%c] %zu %s", i > 0 ? "  " : "",
			    c->reasons & (1u << i) ? 'x' : ' ', i + 1,
			    feedback_reason_label(names[i]));
	} else
		buf_addf(&line, _("Comment (optional): %s"), c->field.data);
	for (y = iy; y < iy + rows; y++) {
		move(y, 0);
		clrtoeol();
	}
	chat_plain(&doc, line.data, line.len, cols, 0);
	for (i = 0; i < doc.nlines && (int)i < rows; i++)
		chat_draw_md_line(c->ui, iy + (int)i, &doc.lines[i], cols,
		    ui_attr(c->ui, UI_FIELD));
	if (doc.nlines > 0 && (int)doc.nlines <= rows)
		move(iy + (int)doc.nlines - 1,
		    doc.lines[doc.nlines - 1].width < cols ? doc.lines[doc.nlines - 1].width :
							     cols - 1);
	markdown_doc_release(&doc);
	buf_release(&line);
}
