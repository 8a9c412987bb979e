/* line.c: placeholder */
#include "common.h"

#include "cmd.h"
#include "line.h"

int
line_run(struct app *app)
{
	app_error("line mode is not part of this build yet");
	return EXIT_USAGE;
}
