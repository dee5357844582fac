package io.weft.proxy;

/**
 * Destination ports, {@code from} to {@code to} inclusive. Parse {@code "443"} or {@code "8000-8999"}.
 */
public record PortRange(int from, int to) {
    public static final PortRange ANY = new PortRange(1, 65535);

    public PortRange {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("a port range must be within 1-65535, from <= to; got " + from + "-" + to);
        }
    }

    public static PortRange parse(String text) {
        int dash = text.indexOf('-');
        try {
            return dash < 0 ? new PortRange(Integer.parseInt(text.trim()), Integer.parseInt(text.trim()))
                    : new PortRange(Integer.parseInt(text.substring(0, dash).trim()), Integer.parseInt(text.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port or port range: \"" + text + "\" (write 443 or 8000-8999)");
        }
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }
}
