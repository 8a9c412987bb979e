/*
 * caps.h: every size cap and time-out in one place (as curl keeps its DYN_*
 * limits), each with what it bounds. Those that confab(1) documents say so;
 * change the page with them. Array sizes and bit masks that only shape one
 * module's data stay in that module.
 */
#ifndef CAPS_H
#define CAPS_H

/* ---- bytes held in memory --------------------------------------------------------- */

/* A struct buf that names no cap of its own. */
#define BUF_DEFAULT_MAX ((size_t)64 << 20)
/* A line of an event stream, and the data of one event, unless the caller names one. */
#define SSE_DEFAULT_MAX ((size_t)1 << 20)
/* A response body read whole, unless the request names a cap. */
#define HTTP_DEFAULT_MAX_BODY ((size_t)4 << 20)
/* A response to a POST (the feedback outbox): an acknowledgement, not a document. */
#define HTTP_POST_MAX_BODY ((size_t)1 << 20)
/* A prompt read from standard input (documented in confab(1)). */
#define ONESHOT_STDIN_MAX ((size_t)1 << 20)
/* A one-shot prompt: arguments and standard input together. */
#define ONESHOT_PROMPT_MAX (2 * ONESHOT_STDIN_MAX)
/* A prompt edited in $EDITOR. */
#define TTY_EDIT_MAX (1 << 20)
/* A bracketed paste into the full-screen UI. */
#define UI_PASTE_MAX ((size_t)1 << 20)
/* An escape sequence the sanitiser swallows before it gives up on it. */
#define TEXT_SEQ_MAX 4096

/* ---- files confab reads ----------------------------------------------------------- */

/* The config file (documented in confab(1)). */
#define CONFIG_FILE_MAX (1 << 20)
/* A Terms text, from the bundle, a file or terms_url. */
#define TERMS_MAX_BYTES ((size_t)1 << 20)
/* One line of a Terms text. */
#define TERMS_MAX_LINE 16384
/* Sections in one Terms text. */
#define TERMS_MAX_SECTIONS 500
/* Cells of the table behind a Terms diff (old lines x new lines). */
#define TERMS_DIFF_MAX_CELLS ((size_t)4 << 20)
/* A disclaimers rules file. */
#define APP_DISCLAIMERS_MAX ((size_t)1 << 20)
/* A keyword of a disclaimers rules file. */
#define DISCLAIMER_KEYWORD_MAX 200
/* A clause or a text of a disclaimers rules file. */
#define DISCLAIMER_TEXT_MAX 1000
/* An exception phrase of a disclaimers rules file, normalised. */
#define DISCLAIMER_EXCEPT_MAX 255
/* A role file (documented in confab(1)). */
#define ROLE_FILE_MAX ((size_t)256 << 10)
/* A text file attached to a prompt. */
#define ATTACH_TEXT_MAX ((size_t)256 << 10)
/* An image attached to a prompt (DashScope's limit). */
#define ATTACH_IMAGE_MAX ((size_t)10 << 20)
/* The files attached to one prompt together. */
#define ATTACH_TOTAL_MAX ((size_t)20 << 20)
/* Files attached to one prompt. */
#define ATTACH_FILES_MAX 16

/* ---- what a server says, kept or shown -------------------------------------------- */

/* An excerpt of a body that is not the JSON expected. */
#define API_EXCERPT_MAX 80

/* ---- what people type ------------------------------------------------------------- */

/* A rating's comment. */
#define FEEDBACK_COMMENT_MAX ((size_t)100 << 10)
/* One reason given with a rating. */
#define FEEDBACK_REASON_MAX 64

/* ---- work done on model text ------------------------------------------------------ */

/* A code line highlighted (bytes). */
#define HL_LINE_MAX 1024
/* Regex matches painted on one line. */
#define HL_MATCH_MAX 512
/* A code block highlighted (bytes); the rest stays plain. */
#define HL_BLOCK_MAX 32768

/* ---- time ------------------------------------------------------------------------- */

/* The longest wait a server's Retry-After may ask for (ms). */
#define HTTP_MAX_RETRY_WAIT_MS 60000L
/* How long an escape sequence split across reads may take to finish (ms). */
#define UI_ESC_SPLIT_MS 500
/* Fetching terms_url for /terms and confab terms (s). */
#define CMD_TERMS_FETCH_TIMEOUT 20L
/* The check that the Terms at terms_url are still those agreed to (s). */
#define CONSENT_CHECK_TIMEOUT_S 3
/* The pause between tries while another confab may be writing the consent head (ms). */
#define CONSENT_CHAIN_PAUSE_MS 20
/* The one delivery try right after a rating (s). */
#define FEEDBACK_QUICK_TIMEOUT_S 2L
/* One delivery by confab feedback sync, at most (s). */
#define FEEDBACK_SYNC_TIMEOUT_MAX_S 30L
/* How long confab feedback sync waits for another process's outbox lock (ms). */
#define FEEDBACK_SYNC_LOCK_WAIT_MS 25000L
/* Between tries within one sync run (ms). */
#define FEEDBACK_RUN_BACKOFF_MS 500L
/* How often the background pump looks for ratings due (ms). */
#define FEEDBACK_PUMP_TICK_MS 5000
/* One background POST of the pump (s). */
#define FEEDBACK_PUMP_TIMEOUT_S 20L

#endif
