/**
 * RFC 9457 problem documents for every error the service answers, from controllers, filters and
 * the container alike. Features throw subclasses of {@link com.helloyuno.problem.ApiException}
 * named as facts; this package turns them, and the framework's own exceptions, into one shape with
 * a stable {@code code}. It depends on no other feature.
 */
@Room(entryPoints = {ApiException.class, Forbidden.class, InvalidRequest.class, PageSize.class, Problems.class})
@NullMarked
package com.helloyuno.problem;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
