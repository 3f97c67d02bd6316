// Progress lines of long command-line work (app/progress): drawn in place on a terminal,
// nothing at all otherwise.
#include <catch2/catch.hpp>

#include <sstream>

#include "clue_router/app/progress.hpp"

using clue_router::app::Progress;

TEST_CASE("progress draws percentages in place and ends the line once", "[app][progress]") {
    std::ostringstream out;
    {
        Progress p("backup", "pages", out, true);
        p.update(0, 200);
        p.update(1, 200);  // still 0 %: not redrawn
        p.update(100, 200);
        p.update(200, 200);
        p.finish();
        p.finish();
    }
    CHECK(out.str() ==
          "\rbackup: 0% (0/200 pages)\x1b[K"
          "\rbackup: 50% (100/200 pages)\x1b[K"
          "\rbackup: 100% (200/200 pages)\x1b[K"
          "\rbackup: 100% (200/200 pages)\x1b[K\n");
}

TEST_CASE("progress without a total shows the count", "[app][progress]") {
    std::ostringstream out;
    {
        Progress p("purge", "clue(s)", out, true);
        p.update(200);
        p.update(400);  // within the redraw interval (unless this thread stalled): not drawn
    }
    const std::string text = out.str();
    CHECK(text.rfind("\rpurge: 200 clue(s)\x1b[K", 0) == 0);
    const std::string last = "\rpurge: 400 clue(s)\x1b[K\n";
    REQUIRE(text.size() > last.size());
    CHECK(text.substr(text.size() - last.size()) == last);
}

TEST_CASE("progress off a terminal, or with nothing to show, writes nothing", "[app][progress]") {
    std::ostringstream quiet;
    {
        Progress p("backup", "pages", quiet, false);
        p.update(5, 10);
        p.update(10, 10);
    }
    CHECK(quiet.str().empty());

    std::ostringstream idle;
    { Progress p("restore", "pages", idle, true); }
    CHECK(idle.str().empty());
}
