#include "clue_router/storage/database_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "clue_router/storage/store.hpp"

namespace clue_router::storage {

namespace {

void refuse_if_shared(const std::string& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return;  // absent: SQLite creates it from the database's
    if ((st.st_mode & 0077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw StorageError("the database file " + file + " may be read or written by other " +
                           "users (mode " + mode + "); chmod 600 it, and its -wal and -shm " +
                           "files, then start again");
    }
}

}  // namespace

void secure_database_files(const std::string& path) {
    if (path.empty() || path == ":memory:" || path.starts_with("file:")) return;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        // The umask may have taken bits away, never added them; fchmod makes it exactly 0600
        // (a umask of 0277 would otherwise leave a file its owner cannot write).
        const int rc = ::fchmod(fd, 0600);
        const int saved = errno;
        ::close(fd);
        if (rc != 0) {
            throw StorageError("cannot set the mode of the new database file " + path + ": " +
                               std::strerror(saved));
        }
    } else if (errno != EEXIST) {
        throw StorageError("cannot create the database file " + path + ": " + std::strerror(errno));
    }
    for (const char* suffix : {"", "-wal", "-shm"}) refuse_if_shared(path + suffix);
}

}  // namespace clue_router::storage
