#pragma once
// Helpers for the storage tests: a fresh temporary directory per test, sample records, and
// small synchronisation tools for driving the writer thread into known states.
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>

#include "clue_router/domain/clue.hpp"
#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/time.hpp"
#include "clue_router/service/data_keys.hpp"
#include "clue_router/storage/sqlite_store.hpp"

namespace clue_router::storage::test {

class TempDir {
  public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "clue-router-storage-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string db() const { return (path_ / "clue-router.db").string(); }

  private:
    std::filesystem::path path_;
};

// A fresh keyring per process: the tests exercise the real cipher, never a stand-in.
inline std::shared_ptr<const service::DataKeyring> test_keyring() {
    static const auto ring = service::DataKeyring::parse(
        service::DataKeyring::with_new_data_key("", domain::Timestamp{}));
    return ring;
}

// The keyring text without the given key's data entry: what an operator keeps after rotating.
inline std::string without_key(const std::string& text, const std::string& key_id) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) {
        if (line.rfind("data." + key_id + "=", 0) != 0) out += line + "\n";
    }
    return out;
}

inline SqliteOptions options_for(const TempDir& dir) {
    SqliteOptions o;
    o.path = dir.db();
    o.cipher = test_keyring();
    return o;
}

// 2026-11-20T01:12:00Z plus the given minutes.
inline domain::Timestamp at(int offset_minutes) {
    using namespace std::chrono;
    return domain::Timestamp{sys_days{year{2026} / November / 20} + hours{1} + minutes{12} +
                             minutes{offset_minutes}};
}

inline domain::Clue sample_clue(std::string region = "511702") {
    domain::Clue c;
    c.source.channel = "hotline_12309";
    c.source.reference = "12309-20261120-0042";
    c.source.received_at_text = "2026-11-20T09:12:00+08:00";
    c.source.received_at = at(0);
    c.subject.name = "王某某";
    c.subject.phone = "+8613800130001";
    c.subject.sex = "female";
    c.subject.age = 45;
    c.subject.region = std::move(region);
    c.subject.rural = true;
    c.indicators = {"domestic_violence"};
    c.narrative = "我丈夫经常喝酒后打我";
    c.reporter.relation = "self";
    c.consent.share_with_partners = true;
    return c;
}

inline StoredClue stored_clue(std::string id, std::string sender,
                              ClueStatus status = ClueStatus::routed) {
    StoredClue c;
    c.id = std::move(id);
    c.sender_agency = std::move(sender);
    c.submitted_by_key = "key_intake";
    c.clue = sample_clue();
    c.status = status;
    if (status == ClueStatus::needs_review) c.review_reason = "no_agency_for_region";
    c.priority = domain::Priority::high;
    c.created_at = at(1);
    return c;
}

inline domain::Ticket ticket(std::string id, std::string clue_id, std::string sender,
                             std::string recipient,
                             domain::TicketStatus status = domain::TicketStatus::pending) {
    domain::Ticket t;
    t.id = std::move(id);
    t.clue_id = std::move(clue_id);
    t.sender_agency = std::move(sender);
    t.recipient_agency = std::move(recipient);
    t.purpose = "judicial_assistance";
    t.status = status;
    t.priority = domain::Priority::high;
    t.version = 1;
    t.created_at = at(2);
    t.updated_at = at(2);
    return t;
}

// Inserts a clue the way the service does, in a case: its own ("case-<clue id>") unless it
// names one; the case row is made when it is not stored yet.
inline void insert_in_case(WriteTransaction& tx, StoredClue c, const SealedClue* sealed = nullptr) {
    if (c.case_id.empty()) c.case_id = "case-" + c.id;
    if (!tx.find_case(c.case_id)) {
        CaseRecord record;
        record.id = c.case_id;
        record.priority = c.priority;
        record.created_at = c.created_at;
        tx.insert_case(record);
    }
    if (sealed) {
        tx.insert_clue(c, *sealed);
    } else {
        tx.insert_clue(c);
    }
}
inline void insert_in_case(WriteTransaction& tx, StoredClue c, const SealedClue& sealed) {
    insert_in_case(tx, std::move(c), &sealed);
}

// Counts completions and lets the test thread wait for a number of them.
class Counter {
  public:
    // Notifies under the lock: once the waiter sees the count it may destroy the Counter, so
    // the notifying thread must be done with it by then.
    void add() {
        std::lock_guard lock(mutex_);
        ++count_;
        cv_.notify_all();
    }
    bool wait_for(int n, std::chrono::seconds timeout = std::chrono::seconds(30)) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [&] { return count_ >= n; });
    }
    int count() {
        std::lock_guard lock(mutex_);
        return count_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int count_ = 0;
};

// A unit of work that holds the writer thread (and its open transaction) until opened, so a
// test can queue more work behind it and know it will be committed as one group. Declare it
// after the store: if a test fails early, the gate opens as it is destroyed, and the store's
// destructor can then drain and join instead of hanging.
class Gate {
  public:
    Gate() : state_(std::make_shared<State>()) {}
    ~Gate() { open(); }
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;

    Store::Work work(Store::Work inside = {}) {
        return [state = state_, inside](WriteTransaction& tx) {
            if (inside) inside(tx);
            state->entered.set_value();
            state->opened_future.wait();
        };
    }
    void wait_entered() { state_->entered_future.wait(); }
    void open() {
        std::lock_guard lock(state_->mutex);
        if (state_->is_open) return;
        state_->is_open = true;
        state_->opened.set_value();
    }

  private:
    struct State {
        std::promise<void> entered;
        std::shared_future<void> entered_future = entered.get_future().share();
        std::promise<void> opened;
        std::shared_future<void> opened_future = opened.get_future().share();
        std::mutex mutex;
        bool is_open = false;
    };
    std::shared_ptr<State> state_;
};

}  // namespace clue_router::storage::test
