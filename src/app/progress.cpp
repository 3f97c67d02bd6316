#include "clue_router/app/progress.hpp"

#include <unistd.h>

#include <iostream>
#include <utility>

namespace clue_router::app {

namespace {

// A redraw at most this often when the total is unknown (a percentage redraws only when it
// changes): a terminal scrolling thousands of lines a second only slows the work down.
constexpr auto kRedrawEvery = std::chrono::milliseconds(200);

}  // namespace

Progress::Progress(std::string label, std::string unit, std::ostream& out, bool enabled)
    : label_(std::move(label)), unit_(std::move(unit)), out_(&out), enabled_(enabled) {}

Progress Progress::on_stderr(std::string label, std::string unit) {
    return Progress(std::move(label), std::move(unit), std::cerr, ::isatty(STDERR_FILENO) == 1);
}

Progress::~Progress() {
    finish();
}

void Progress::update(std::int64_t done, std::int64_t total) {
    if (!enabled_ || finished_) return;
    done_ = done;
    total_ = total;
    if (total_ > 0) {
        const int percent = static_cast<int>(done_ * 100 / total_);
        if (percent == drawn_percent_) return;
        drawn_percent_ = percent;
    } else {
        const auto now = std::chrono::steady_clock::now();
        if (drawn_ && now - drawn_at_ < kRedrawEvery) return;
        drawn_at_ = now;
    }
    draw();
}

void Progress::finish() {
    if (!enabled_ || finished_) return;
    finished_ = true;
    if (!drawn_) return;
    draw();
    *out_ << '\n' << std::flush;
}

void Progress::draw() {
    // Carriage return, the line, then "erase to the end of the line" for a shorter redraw.
    *out_ << '\r' << label_ << ": ";
    if (total_ > 0) {
        *out_ << done_ * 100 / total_ << "% (" << done_ << '/' << total_ << ' ' << unit_ << ')';
    } else {
        *out_ << done_ << ' ' << unit_;
    }
    *out_ << "\x1b[K" << std::flush;
    drawn_ = true;
}

}  // namespace clue_router::app
