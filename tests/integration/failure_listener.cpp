// Tells TestServer when the running test case has a failed assertion, so it prints the
// server's log before it removes its directory.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include "integration/support/test_server.hpp"

namespace {

struct FailureListener : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;

    void testCaseStarting(Catch::TestCaseInfo const& info) override {
        clue_router::it::current_test_failed() = false;
        TestEventListenerBase::testCaseStarting(info);
    }

    bool assertionEnded(Catch::AssertionStats const& stats) override {
        if (!stats.assertionResult.isOk()) clue_router::it::current_test_failed() = true;
        return TestEventListenerBase::assertionEnded(stats);
    }
};

}  // namespace

CATCH_REGISTER_LISTENER(FailureListener)
