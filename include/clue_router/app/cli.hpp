#pragma once

namespace clue_router::app {

// clue-router serve | keys create|list|revoke | migrate | check-config
int run_cli(int argc, char** argv);

}  // namespace clue_router::app
