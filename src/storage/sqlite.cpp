#include "clue_router/storage/sqlite.hpp"

#include <sqlite3.h>

#include <limits>
#include <stdexcept>
#include <utility>

namespace clue_router::storage::sqlite {

namespace {

SqliteError error_of(sqlite3* db, int rc, std::string_view what) {
    int code = rc;
    std::string message = "sqlite: ";
    message += what;
    message += ": ";
    if (db != nullptr) {
        // The connection's extended code refines rc; keep rc when they disagree (the last
        // error recorded on the connection may belong to an earlier call).
        const int extended = sqlite3_extended_errcode(db);
        if ((extended & 0xff) == (rc & 0xff)) code = extended;
        message += sqlite3_errmsg(db);
    } else {
        message += sqlite3_errstr(rc);
    }
    message += " (code " + std::to_string(code) + ")";
    return SqliteError(message, code);
}

}  // namespace

void throw_error(sqlite3* db, int rc, std::string_view what) {
    throw error_of(db, rc, what);
}

// --- Statement ---------------------------------------------------------------------------

Statement::Statement(sqlite3* db, std::string_view sql, bool persistent) : db_(db), sql_(sql) {
    if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::invalid_argument("sql too long");
    }
    const unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
    const char* tail = nullptr;
    const int rc =
        sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &stmt_, &tail);
    if (rc != SQLITE_OK) throw_error(db, rc, "prepare");
    if (stmt_ == nullptr) throw SqliteError("sqlite: prepare: empty statement", SQLITE_MISUSE);
    // One statement per text: a second one would be silently ignored by step().
    for (; tail != nullptr && *tail != '\0'; ++tail) {
        if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r' && *tail != ';') {
            sqlite3_finalize(stmt_);
            throw std::invalid_argument("sql holds more than one statement");
        }
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

void Statement::reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

void Statement::bind(int index, std::string_view value) {
    // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may go away before
    // step(), and a bound value never outlives the request that owned it.
    const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                       SQLITE_UTF8);
    if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

void Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

void Statement::bind(int index, double value) {
    const int rc = sqlite3_bind_double(stmt_, index, value);
    if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

void Statement::bind(int index, std::nullopt_t) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(db_, rc, "step");
}

void Statement::run() {
    while (step()) {
    }
}

int Statement::column_count() const {
    return sqlite3_column_count(stmt_);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);  // after column_text, as documented
    if (data == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::optional<std::string> Statement::optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(stmt_, column);
}

// --- Query -------------------------------------------------------------------------------

Query::Query(Statement* borrowed, std::unique_ptr<Statement> owned)
    : stmt_(borrowed), owned_(std::move(owned)) {
    if (owned_) stmt_ = owned_.get();
}

Query::Query(Query&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), owned_(std::move(other.owned_)) {}

Query::~Query() {
    if (stmt_ == nullptr) return;
    stmt_->reset();
    stmt_->in_use_ = false;
}

// --- Connection --------------------------------------------------------------------------

namespace {

// Library-wide settings, applied once before the first connection. SQLite keeps memory
// statistics by default, which takes a global mutex on every allocation; nothing here reads
// them (SQLite's own docs list turning them off among its speed-ups). sqlite3_config is only
// allowed before the library initialises: if another part of the process got there first,
// the defaults stay, which is correct, only slower.
void configure_library_once() {
    static const bool configured = [] {
        return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    }();
    (void)configured;
}

}  // namespace

Connection::Connection(const std::string& path, Mode mode, int busy_timeout_ms) {
    configure_library_once();
    int flags = SQLITE_OPEN_NOMUTEX;
    flags |= mode == Mode::read_only ? SQLITE_OPEN_READONLY
                                     : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        // A handle comes back even on failure (unless out of memory): read its message, then
        // close it, since the destructor will not run.
        SqliteError error = error_of(db_, rc, "open");
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw error;
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
}

Connection::~Connection() {
    // Statements first: sqlite3_close_v2 would otherwise keep the connection half-alive as a
    // zombie until they are finalised.
    cache_.clear();
    sqlite3_close_v2(db_);
}

void Connection::exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw_error(db_, rc, "exec");
}

Query Connection::query(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
        auto stmt = std::make_unique<Statement>(db_, sql, true);
        it = cache_.emplace(std::string(sql), std::move(stmt)).first;
    }
    Statement& cached = *it->second;
    if (cached.in_use_) {
        // A nested use of the same text (e.g. a row callback running the query again) must
        // not reset the outer cursor under its feet.
        return Query(nullptr, std::make_unique<Statement>(db_, sql, false));
    }
    cached.reset();
    cached.in_use_ = true;
    return Query(&cached, nullptr);
}

int Connection::changes() const {
    return sqlite3_changes(db_);
}

std::int64_t Connection::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

bool Connection::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

// --- Transaction -------------------------------------------------------------------------

Transaction::Transaction(Connection& connection, Kind kind) : connection_(connection) {
    connection_.exec(kind == Kind::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
    if (!open_) return;
    // Best effort: SQLite may already have rolled back on its own (I/O error, full disk).
    if (connection_.in_transaction()) {
        sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    connection_.exec("COMMIT");
    open_ = false;
}

void Transaction::rollback() {
    open_ = false;
    if (connection_.in_transaction()) connection_.exec("ROLLBACK");
}

// --- Savepoint ---------------------------------------------------------------------------

namespace {

std::string checked_identifier(const char* name) {
    std::string id = name == nullptr ? "" : name;
    bool ok = !id.empty();
    for (const char c : id) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    }
    if (!ok) throw std::invalid_argument("savepoint names are [a-z0-9_]+");
    return id;
}

}  // namespace

Savepoint::Savepoint(Connection& connection, const char* name) : connection_(connection) {
    const std::string id = checked_identifier(name);
    release_sql_ = "RELEASE " + id;
    rollback_sql_ = "ROLLBACK TO " + id;
    connection_.exec(("SAVEPOINT " + id).c_str());
}

Savepoint::~Savepoint() {
    if (!open_ || !connection_.in_transaction()) return;
    sqlite3* db = connection_.handle();
    if (sqlite3_exec(db, rollback_sql_.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) {
        sqlite3_exec(db, release_sql_.c_str(), nullptr, nullptr, nullptr);
    }
}

void Savepoint::release() {
    connection_.exec(release_sql_.c_str());
    open_ = false;
}

void Savepoint::rollback() {
    open_ = false;
    connection_.exec(rollback_sql_.c_str());
    connection_.exec(release_sql_.c_str());
}

}  // namespace clue_router::storage::sqlite
