#pragma once

namespace clue_router::app {

// clue-router serve | migrate | check-config | screen | agencies import | keys … | purge |
// audit verify | backup | restore
int run_cli(int argc, char** argv);

}  // namespace clue_router::app
