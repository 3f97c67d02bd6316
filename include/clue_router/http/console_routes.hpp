#pragma once
// Serving the staff console (docs/console.md): /console → /console/, the build's files, and
// index.html for every page of the single-page app. The router matches fixed patterns, so
// the API hands it every path under /console before matching.
#include <string_view>

#include "clue_router/http/exchange.hpp"

namespace clue_router::http {

class ConsoleAssets;

// "/console" or under "/console/" (the path as sent).
bool is_console_path(std::string_view path);

// Answers a console request; `assets` is nullptr when console_dir is not set (404 saying so).
void reply_console(Exchange& ex, const ConsoleAssets* assets);

}  // namespace clue_router::http
