#pragma once
// Serving the staff console (docs/console.md): /console → /console/, the build's files, and
// index.html for every page of the single-page app. The router matches fixed patterns, so
// the API hands it every path under /console before matching.
#include "clue_router/http/console_assets.hpp"  // is_console_path
#include "clue_router/http/exchange.hpp"

namespace clue_router::http {

// Answers a console request; `assets` is nullptr when console_dir is not set (404 saying so).
void reply_console(Exchange& ex, const ConsoleAssets* assets);

}  // namespace clue_router::http
