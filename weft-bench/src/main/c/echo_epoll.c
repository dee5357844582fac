/*
 * echo_epoll: the floor of the macro benchmarks. The plainest single-threaded epoll echo
 * server in C: it shows how fast the load generator can go when the server costs next to
 * nothing, so a peer far below it is the bottleneck, not the generator. Not a competitor.
 *
 *   echo_epoll           listens on 127.0.0.1, a free port; prints "LISTENING <port>"
 *
 * Like every peer it answers "mem" on stdin with "HEAP <bytes>" (-1: it has no heap to report)
 * and exits when stdin closes. Reads go to one shared 64 KiB buffer; a connection gets its own
 * buffer only while the kernel would not take a whole echo, and stops reading until it drains.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 65536

typedef struct {
    char *pending; /* bytes the kernel has not taken yet, or NULL */
    size_t off, len;
} conn_t;

static conn_t *conns; /* indexed by fd */
static size_t nconns;
static int ep;
static char shared[BUF];

static void die(const char *what) {
    printf("ERROR %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static conn_t *conn(int fd) {
    if ((size_t)fd >= nconns) {
        size_t n = nconns ? nconns : 1024;
        while (n <= (size_t)fd) n *= 2;
        conns = realloc(conns, n * sizeof *conns);
        if (!conns) die("realloc");
        memset(conns + nconns, 0, (n - nconns) * sizeof *conns);
        nconns = n;
    }
    return &conns[fd];
}

static void drop(int fd) {
    conn_t *c = conn(fd);
    free(c->pending);
    memset(c, 0, sizeof *c);
    close(fd);
}

static void watch(int fd, uint32_t events, int op) {
    struct epoll_event ev = {.events = events, .data.fd = fd};
    if (epoll_ctl(ep, op, fd, &ev) < 0) die("epoll_ctl");
}

/* Writes what is pending; returns 0 once nothing is left, 1 if the kernel is full, -1 on error. */
static int flush(int fd) {
    conn_t *c = conn(fd);
    while (c->off < c->len) {
        ssize_t n = write(fd, c->pending + c->off, c->len - c->off);
        if (n < 0) return errno == EAGAIN ? 1 : -1;
        c->off += (size_t)n;
    }
    free(c->pending);
    c->pending = NULL;
    c->off = c->len = 0;
    return 0;
}

static void on_readable(int fd) {
    for (;;) {
        ssize_t n = read(fd, shared, BUF);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
            drop(fd);
            return;
        }
        if (n < 0) return;
        ssize_t w = write(fd, shared, (size_t)n);
        if (w < 0 && errno != EAGAIN) {
            drop(fd);
            return;
        }
        if (w < 0) w = 0;
        if (w < n) {
            conn_t *c = conn(fd);
            c->len = (size_t)(n - w);
            c->off = 0;
            c->pending = malloc(c->len);
            memcpy(c->pending, shared + w, c->len);
            watch(fd, EPOLLOUT, EPOLL_CTL_MOD); /* stop reading until the echo drains */
            return;
        }
    }
}

static void on_stdin(void) {
    char line[64];
    if (!fgets(line, sizeof line, stdin)) exit(0);
    if (!strncmp(line, "mem", 3)) {
        printf("HEAP -1\n");
        fflush(stdout);
    }
}

int main(void) {
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (ls < 0) die("socket");
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    if (listen(ls, 4096) < 0) die("listen");
    socklen_t len = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &len);
    ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    watch(ls, EPOLLIN, EPOLL_CTL_ADD);
    watch(0, EPOLLIN, EPOLL_CTL_ADD);
    printf("LISTENING %d\n", ntohs(a.sin_port));
    fflush(stdout);

    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        for (int k = 0; k < n; k++) {
            int fd = evs[k].data.fd;
            if (fd == 0) {
                on_stdin();
            } else if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn(c);
                    watch(c, EPOLLIN, EPOLL_CTL_ADD);
                }
            } else if (evs[k].events & EPOLLOUT) {
                int r = flush(fd);
                if (r < 0) drop(fd);
                else if (r == 0) watch(fd, EPOLLIN, EPOLL_CTL_MOD);
            } else {
                on_readable(fd);
            }
        }
    }
}
