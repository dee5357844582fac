/*
 * drain_client: the client of weft-bench/files/run-sendfile.sh, the same for every server. It
 * connects to 127.0.0.1:PORT, sends "GET PATH HTTP/1.0", reads everything until the server
 * closes into one reused 1 MiB buffer (the bytes are counted, not kept), and prints
 *
 *   RESULT bytes=N seconds=S
 *
 * where S runs from the connect to the end of stream. Errors: "ERROR ..." on stdout, status 1.
 *
 *   drain_client PORT PATH
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: drain_client PORT PATH\n");
        return 2;
    }
    static char buf[1 << 20];
    double start = now();
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || connect(s, (struct sockaddr *) &a, sizeof a) < 0) {
        printf("ERROR connect: %s\n", strerror(errno));
        return 1;
    }
    int n = snprintf(buf, sizeof buf, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", argv[2]);
    if (write(s, buf, (size_t) n) != n) {
        printf("ERROR write: %s\n", strerror(errno));
        return 1;
    }
    long long total = 0;
    for (;;) {
        ssize_t r = read(s, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            printf("ERROR read: %s\n", strerror(errno));
            return 1;
        }
        if (r == 0) break;
        total += r;
    }
    printf("RESULT bytes=%lld seconds=%.6f\n", total, now() - start);
    return 0;
}
