#include "clue_router/app/cli.hpp"

int main(int argc, char** argv) {
    return clue_router::app::run_cli(argc, argv);
}
