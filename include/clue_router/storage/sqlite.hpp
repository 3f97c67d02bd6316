#pragma once
// A thin RAII layer over the SQLite C API: connections, prepared statements cached per
// connection, and transaction / savepoint guards that roll back unless told otherwise.
// Every statement is prepared SQL with bound parameters: no SQL text is ever built from input.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "clue_router/storage/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace clue_router::storage::sqlite {

// A StorageError that keeps SQLite's extended result code, so callers can tell a constraint
// violation (SQLITE_CONSTRAINT_*) from an I/O failure without parsing the message.
class SqliteError : public StorageError {
  public:
    SqliteError(const std::string& message, int extended_code)
        : StorageError(message), extended_code_(extended_code) {}
    int extended_code() const { return extended_code_; }
    int primary_code() const { return extended_code_ & 0xff; }

  private:
    int extended_code_;
};

// Throws SqliteError("sqlite: <what>: <errmsg> (code N)"). SQLite's messages name tables and
// columns, never bound values, so no record contents leak into logs.
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what);

class Statement {
  public:
    // persistent: a hint that the statement lives long (cached), SQLITE_PREPARE_PERSISTENT.
    Statement(sqlite3* db, std::string_view sql, bool persistent);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Resets the statement and clears its bindings, ready for the next use. Never throws:
    // sqlite3_reset only repeats the error of the last step, which step() already reported.
    void reset() noexcept;

    // Parameters are numbered from 1, as in SQLite.
    void bind(int index, std::string_view value);
    void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }
    void bind(int index, const char* value) { bind(index, std::string_view(value)); }
    void bind(int index, std::int64_t value);
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, bool value) { bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    void bind(int index, double value);
    void bind(int index, std::nullopt_t);
    template <class T>
    void bind(int index, const std::optional<T>& value) {
        if (value) {
            bind(index, *value);
        } else {
            bind(index, std::nullopt);
        }
    }

    // Binds every argument in order, starting at parameter 1.
    template <class... Args>
    void bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
    }

    // Runs one step: true when a row is available, false when the statement is done.
    bool step();
    // Steps a statement that returns no rows (INSERT, UPDATE, DELETE).
    void run();

    int column_count() const;
    bool is_null(int column) const;  // columns are numbered from 0, as in SQLite
    std::string text(int column) const;
    std::optional<std::string> optional_text(int column) const;
    std::int64_t int64(int column) const;
    std::optional<std::int64_t> optional_int64(int column) const;
    double real(int column) const;

    const std::string& sql() const { return sql_; }

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string sql_;
    // Lent out by Connection::query() and given back by ~Query().
    friend class Connection;
    friend class Query;
    bool in_use_ = false;
};

// A statement borrowed from a connection's cache for one use; resetting it when the lease
// ends releases the read snapshot an unfinished SELECT would otherwise keep open.
class Query {
  public:
    Query(Query&& other) noexcept;
    Query& operator=(Query&&) = delete;
    Query(const Query&) = delete;
    ~Query();

    Statement& operator*() { return *stmt_; }
    Statement* operator->() { return stmt_; }

  private:
    friend class Connection;
    Query(Statement* borrowed, std::unique_ptr<Statement> owned);
    Statement* stmt_;
    std::unique_ptr<Statement> owned_;  // set when the cached one was already in use
};

class Connection {
  public:
    enum class Mode { read_write_create, read_only };

    // Each connection is used by one thread at a time, so it is opened with
    // SQLITE_OPEN_NOMUTEX: SQLite's own per-connection mutex would only cost time.
    Connection(const std::string& path, Mode mode, int busy_timeout_ms);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs fixed SQL (pragmas, BEGIN, DDL) that takes no parameters. Never pass input here.
    void exec(const char* sql);

    // The cached statement for this SQL text, prepared on first use, reset and with bindings
    // cleared. Nested use of the same SQL gets a fresh uncached statement.
    Query query(std::string_view sql);

    // Rows changed by the last INSERT, UPDATE or DELETE.
    int changes() const;
    std::int64_t last_insert_rowid() const;
    // True while a transaction is open (false after SQLite rolled one back on its own).
    bool in_transaction() const;
    std::size_t cached_statements() const { return cache_.size(); }
    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// BEGIN … COMMIT, rolled back by the destructor unless commit() succeeded.
class Transaction {
  public:
    enum class Kind { deferred, immediate };
    Transaction(Connection& connection, Kind kind);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();
    void rollback();

  private:
    Connection& connection_;
    bool open_ = true;
};

// SAVEPOINT … RELEASE inside a transaction; the destructor rolls back to the savepoint and
// releases it unless release() succeeded. The name comes from code, never from input.
class Savepoint {
  public:
    Savepoint(Connection& connection, const char* name);
    ~Savepoint();
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;

    void release();
    // Undoes everything since the savepoint and closes it; throws if SQLite cannot.
    void rollback();

  private:
    Connection& connection_;
    std::string release_sql_;
    std::string rollback_sql_;
    bool open_ = true;
};

}  // namespace clue_router::storage::sqlite
