#ifndef DFUTUI_CNCURSES_SHIM_H
#define DFUTUI_CNCURSES_SHIM_H
/* SwiftPM drops pkg-config -D flags, so wide-character support is requested here. */
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

/* C globals and macros are not usable from Swift 6; these expose them as functions. */
static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline int cnc_cols(void) { return COLS; }
static inline int cnc_lines(void) { return LINES; }
static inline attr_t cnc_a_bold(void) { return A_BOLD; }
static inline attr_t cnc_a_reverse(void) { return A_REVERSE; }
static inline attr_t cnc_a_dim(void) { return A_DIM; }
static inline attr_t cnc_a_underline(void) { return A_UNDERLINE; }
static inline int cnc_color_pair(int n) { return COLOR_PAIR(n); }
static inline void cnc_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
static inline int cnc_err(void) { return ERR; }
#endif
