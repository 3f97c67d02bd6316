#pragma once
// Reads the staff console's build (console_dir, docs/console.md) into memory at start, so a
// missing or broken build stops the service with a clear message rather than serving 404s.
#include <memory>
#include <string>

#include "clue_router/http/console_assets.hpp"

namespace clue_router::app {

// Every regular file under `dir` (console/dist); nullptr when `dir` is empty (no console).
// Throws std::runtime_error naming console_dir and what is wrong: no such directory, no
// index.html, a file that cannot be read, or a build larger than any console should be.
std::shared_ptr<const http::ConsoleAssets> load_console(const std::string& dir);

}  // namespace clue_router::app
