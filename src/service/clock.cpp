#include "clue_router/service/clock.hpp"

namespace clue_router::service {

domain::Timestamp SystemClock::now() const {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

}  // namespace clue_router::service
