#pragma once
// Progress of long command-line work (backup, restore, purge, import, key rotation): one line
// on a terminal, redrawn in place, and nothing at all when the output is not a terminal, so
// that cron mail, logs and pipes get the commands' summary lines only.
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace clue_router::app {

class Progress {
  public:
    // `label`: what is being done ("backup"); `unit`: what is counted ("pages"). Draws on
    // `out` only when `enabled`.
    Progress(std::string label, std::string unit, std::ostream& out, bool enabled);
    // On stderr, enabled when stderr is a terminal.
    static Progress on_stderr(std::string label, std::string unit);

    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress();  // finish()

    bool enabled() const { return enabled_; }

    // `total` 0: unknown, the count alone is shown.
    void update(std::int64_t done, std::int64_t total = 0);
    // Draws the last state and ends the line, once; nothing when nothing was drawn.
    void finish();

  private:
    void draw();

    std::string label_;
    std::string unit_;
    std::ostream* out_;
    bool enabled_;
    std::int64_t done_ = 0;
    std::int64_t total_ = 0;
    int drawn_percent_ = -1;
    std::chrono::steady_clock::time_point drawn_at_{};
    bool drawn_ = false;
    bool finished_ = false;
};

}  // namespace clue_router::app
