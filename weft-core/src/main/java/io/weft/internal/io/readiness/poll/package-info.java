/**
 * The poll(2) readiness backend: the NIO driver ({@code readiness.nio}) over the JDK's poll(2)
 * selector, made without switching the JVM-wide default selector.
 */
package io.weft.internal.io.readiness.poll;
