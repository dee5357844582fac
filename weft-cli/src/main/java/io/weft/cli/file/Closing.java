package io.weft.cli.file;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import java.util.function.Function;

/** Try-with-resources for promises: use a file, then close it whatever happened, then settle. */
final class Closing {
    private Closing() {
    }

    /** {@code use(file)}, settled only after {@code file} is closed; the use's failure wins over the close's. */
    static <T> Promise<T> use(AsyncFile file, Function<AsyncFile, Promise<T>> use) {
        Promise<T> out = file.loop().newPromise();
        Promise<T> work;
        try {
            work = use.apply(file);
        } catch (RuntimeException e) {
            work = Promise.failed(file.loop(), e);
        }
        work.whenComplete((v, e) -> file.close().whenComplete((cv, ce) -> {
            if (e != null) {
                out.fail(e);
            } else if (ce != null) {
                out.fail(ce);
            } else {
                out.complete(v);
            }
        }));
        return out;
    }
}
