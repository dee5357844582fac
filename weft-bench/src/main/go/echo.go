// echo.go: the Go peer of Weft's macro benchmarks, a goroutine per connection.
//
// It listens on 127.0.0.1 (a free port) and prints "LISTENING <port>". Each connection gets a
// goroutine that reads into its own 16 KiB buffer and writes back what it read (Go's blocking
// style over the runtime's netpoller). On stdin, "mem" is answered with "HEAP <bytes>" (heap
// in use after a collection) and end of input ends the process: the protocol every peer speaks.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
)

func serve(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 16*1024)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func control() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if strings.TrimSpace(in.Text()) == "mem" {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Printf("HEAP %d\n", m.HeapAlloc)
		}
	}
	os.Exit(0)
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Printf("ERROR %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("LISTENING %d\n", ln.Addr().(*net.TCPAddr).Port)
	go control()
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(c) // TCP_NODELAY is Go's default for TCP connections
	}
}
