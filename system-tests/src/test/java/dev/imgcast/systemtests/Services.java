package dev.imgcast.systemtests;

import dev.imgcast.testsupport.PackagedApp;
import java.io.IOException;
import java.nio.file.Path;

/** The packaged services as the system tests start them: the build names each package. */
final class Services {
    private Services() {
    }

    /**
     * Starts {@code module}'s package ({@code namespace} null: the root namespace) with a 256 MiB
     * heap and these system properties ({@code key=value}); waits until it logs that it started.
     */
    static PackagedApp start(String module, String namespace, Path log, String... properties) throws IOException {
        return PackagedApp.app(module).namespace(namespace).jvm("-Xmx256m").properties(properties).log(log).start();
    }
}
