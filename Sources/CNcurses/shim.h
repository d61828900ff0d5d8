#ifndef DFUTUI_CNCURSES_SHIM_H
#define DFUTUI_CNCURSES_SHIM_H
/* SwiftPM drops pkg-config -D flags, so wide-character support is requested here. */
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
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
static inline int cnc_colors(void) { return COLORS; }
static inline int cnc_color_pairs(void) { return COLOR_PAIRS; }
static inline const char *cnc_codeset(void) { return nl_langinfo(CODESET); }
static inline int cnc_ok(void) { return OK; }

/* Setup and teardown (newterm, unlike initscr, returns NULL instead of exiting). */
static inline SCREEN *cnc_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int cnc_key_f(int n) { return KEY_F(n); }
static inline int cnc_wattr_set(WINDOW *w, attr_t a, short pair) { return wattr_set(w, a, pair, NULL); }

/* Mouse: click selects, the wheel scrolls (buttons 4 and 5). */
static inline mmask_t cnc_mouse_mask(void) {
  return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
    | BUTTON5_PRESSED
#endif
    ;
}
static inline int cnc_button1(mmask_t m) { return (m & (BUTTON1_PRESSED | BUTTON1_CLICKED)) != 0; }
static inline int cnc_wheel_up(mmask_t m) { return (m & BUTTON4_PRESSED) != 0; }
static inline int cnc_wheel_down(mmask_t m) {
#ifdef BUTTON5_PRESSED
  return (m & BUTTON5_PRESSED) != 0;
#else
  return 0;
#endif
}
#endif
