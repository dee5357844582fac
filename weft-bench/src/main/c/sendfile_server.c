/*
 * sendfile_server: the C peer of weft-bench/files/run-sendfile.sh. The plainest zero-copy file
 * server: one thread, blocking sockets, one connection at a time. It reads a request up to the
 * blank line (whatever it asks), answers "HTTP/1.0 200 OK" with a Content-Length, sends the whole
 * file with sendfile(2) until done, and closes.
 *
 *   sendfile_server PORT FILE
 *
 * It listens on 127.0.0.1 only. Errors: a line on stderr, exit status 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "sendfile_server: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: sendfile_server PORT FILE\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* a client that leaves early (the port probe) is EPIPE, not death */
    int port = atoi(argv[1]);
    int file = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (file < 0) die("open");
    struct stat st;
    if (fstat(file, &st) < 0) die("fstat");
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0) die("socket");
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(ls, 64) < 0) die("listen");
    for (;;) {
        int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR) continue;
            die("accept4");
        }
        char req[4096];
        size_t got = 0;
        while (got < sizeof req - 1) {
            ssize_t n = read(c, req + got, sizeof req - 1 - got);
            if (n <= 0) break;
            got += (size_t) n;
            req[got] = 0;
            if (strstr(req, "\r\n\r\n")) break;
        }
        char head[128];
        int hn = snprintf(head, sizeof head, "HTTP/1.0 200 OK\r\nContent-Length: %lld\r\n\r\n", (long long) st.st_size);
        if (write(c, head, (size_t) hn) == hn) {
            off_t off = 0;
            while (off < st.st_size) {
                ssize_t n = sendfile(c, file, &off, (size_t) (st.st_size - off));
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
            }
        }
        close(c);
    }
}
