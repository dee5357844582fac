package io.weft.cli.proxy;

import io.weft.cli.WeftVersion;
import picocli.CommandLine.Command;

/** {@code weft proxy}: the parent of the three proxy kinds. */
@Command(name = "proxy", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Service proxies: SOCKS5, HTTP (CONNECT and forward) and a TCP load balancer.",
                "Safe by default: listens on 127.0.0.1; beyond loopback it needs --allow CIDR."},
        subcommands = {SocksCommand.class, HttpCommand.class, TcpCommand.class})
public final class ProxyCommand {
}
