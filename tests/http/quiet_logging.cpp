// The http unit tests build Exchanges, which write access-log lines; keep test output to
// what matters.
#include <spdlog/spdlog.h>

namespace {
const bool quiet = [] {
    spdlog::set_level(spdlog::level::warn);
    return true;
}();
}  // namespace
