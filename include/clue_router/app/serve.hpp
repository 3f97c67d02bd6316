#pragma once
#include "clue_router/app/config.hpp"

namespace clue_router::app {

// Runs the service until SIGINT or SIGTERM; returns the process exit code (0 after a clean,
// graceful shutdown). SIGHUP reloads the directory and criteria files.
int serve(const Config& config);

void setup_logging(const std::string& level);

}  // namespace clue_router::app
