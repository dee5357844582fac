/**
 * {@code weft info}: a report of what Weft finds on the machine it runs on (JDK, OS, cores,
 * file-descriptor limit, pollers).
 */
package io.weft.cli.info;
