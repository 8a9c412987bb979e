#!/bin/sh
# structure.sh: the shape of the source (issue 14).
# (a) No src/*.c file is over STRUCTURE_MAX_LINES lines, and the files
#     split so far (SPLIT) are still there.
# (b) The ui*.o objects call each other in no cycle, nor do the line*.o or the api*.o ones,
#     as nm shows: an edge a -> b for every symbol a leaves undefined that b
#     defines.
# By hand, after make: TOP_SRCDIR=. TOP_BUILDDIR=build CONFAB=build/confab sh tests/cli/structure.sh
. "${TOP_SRCDIR:?}/tests/cli/lib.sh"

STRUCTURE_MAX_LINES=1100
OBJDIR="${TOP_BUILDDIR:?TOP_BUILDDIR must be set (make check sets it)}/src"
SPLIT="line.c line-print.c line-style.c line-ask.c line-recall.c ui-chat.c ui-transcript.c
	ui-status.c ui-rate.c ui-history.c input-rl.c consent.c consent-chain.c consent-fetch.c
	disclaimer.c disclaimer-rules.c store.c store-schema.c store-message.c store-ledger.c"

for f in $SPLIT; do
	[ -f "$TOP_SRCDIR/src/$f" ] || not_ok "src/$f is missing: update SPLIT in tests/cli/structure.sh"
done

set -- "$TOP_SRCDIR"/src/*.c
if [ "$#" -lt 50 ]; then
	not_ok "only $# files match '$TOP_SRCDIR/src/*.c': is TOP_SRCDIR right?"
fi
for path in "$@"; do
	f=${path##*/}
	n=$(wc -l <"$path")
	if [ "$n" -le "$STRUCTURE_MAX_LINES" ]; then
		ok "src/$f has $n lines (at most $STRUCTURE_MAX_LINES)"
	else
		not_ok "src/$f has $n lines, over $STRUCTURE_MAX_LINES: split it by responsibility"
	fi
done

# graph OBJ...: "edge a -> b" lines, then "cycle a -> b -> a" when there is one.
graph() {
	python3 - "$@" <<'PY'
import os, subprocess, sys
objs = sys.argv[1:]
name = lambda p: os.path.basename(p)[len('libconfab_a-'):]
defs, uses = {}, {}
for o in objs:
	uses[o] = set()
	out = subprocess.run(['nm', '-P', o], capture_output=True, text=True, check=True).stdout
	for ln in out.splitlines():
		f = ln.split()
		if len(f) < 2:
			continue
		if f[1] == 'U':
			uses[o].add(f[0])
		elif f[1] in 'TDRBCW':
			defs[f[0]] = o
graph = {o: sorted({defs[s] for s in uses[o] if s in defs and defs[s] != o}) for o in objs}
for o in objs:
	for d in graph[o]:
		print('edge %s -> %s' % (name(o), name(d)))
state, path, cycle = {}, [], []
def dfs(o):
	state[o] = 1
	path.append(o)
	for d in graph[o]:
		if state.get(d) == 1 and not cycle:
			cycle.extend(path[path.index(d):] + [d])
		elif d not in state:
			dfs(d)
	path.pop()
	state[o] = 2
for o in objs:
	if o not in state:
		dfs(o)
if cycle:
	print('cycle ' + ' -> '.join(name(o) for o in cycle))
PY
}

# cycles GLOB: no cycle among the objects libconfab_a-GLOB.o (the objects of libconfab.a).
cycles() {
	glob=$1
	set -- "$OBJDIR"/libconfab_a-$glob.o
	if [ ! -f "$1" ]; then
		not_ok "no $glob.o objects in '$OBJDIR': build first (make)"
		return
	fi
	if ! edges=$(graph "$@"); then
		not_ok "cannot read the $glob.o objects with nm and python3"
		return
	fi
	diag "$(printf '%s\n' "$edges" | grep '^edge')"
	cyc=$(printf '%s\n' "$edges" | grep '^cycle')
	if [ -z "$cyc" ]; then
		ok "the $glob.o objects call each other in no cycle ($(printf '%s\n' "$edges" |
		    grep -c '^edge') edges)"
	else
		not_ok "the $glob.o objects call each other in a $cyc"
	fi
}

cycles 'ui*'
cycles 'line*'
cycles 'api*'
done_testing
