#pragma once
// Who is using a database file: `serve` holds a shared lock on "<database>.lock" for as long
// as it runs, and `restore` takes it exclusively, so a restore never overwrites the database
// of a running server, and a server does not start in the middle of a restore. flock(2):
// the kernel drops the lock when the process ends, however it ends (no stale lock files).
#include <optional>
#include <string>

namespace clue_router::app {

class DatabaseLock {
  public:
    enum class Mode { shared, exclusive };

    // The lock, or nullopt when another process holds it in a conflicting mode. Creates the
    // lock file when missing; throws std::runtime_error when it cannot.
    static std::optional<DatabaseLock> try_acquire(const std::string& database, Mode mode);
    static std::string path_for(const std::string& database) { return database + ".lock"; }

    DatabaseLock(DatabaseLock&& other) noexcept;
    DatabaseLock& operator=(DatabaseLock&& other) noexcept;
    DatabaseLock(const DatabaseLock&) = delete;
    DatabaseLock& operator=(const DatabaseLock&) = delete;
    ~DatabaseLock();

  private:
    explicit DatabaseLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace clue_router::app
