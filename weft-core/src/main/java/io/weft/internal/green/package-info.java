/**
 * The machinery of green threads: the JDK hook for a virtual thread's scheduler (in one class,
 * {@link io.weft.internal.green.VirtualThreads}), the per-loop scheduler and registry, and the
 * park/unpark discipline every blocking call follows.
 */
package io.weft.internal.green;
