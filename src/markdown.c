/* markdown.c: placeholder */
#include "common.h"

#include "markdown.h"
