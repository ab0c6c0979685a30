package dev.imgcast.agent;

import dev.imgcast.registry.client.RegistryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The img command. */
@Command(name = "img", mixinStandardHelpOptions = true, version = "img 0.1.0 (imgcast wire format v3)",
        description = "Multicast disk imaging: one stream, many disks.",
        subcommands = {SessionCommand.class, SendCommand.class, ReceiveCommand.class},
        footer = {"", ExitCode.HELP})
public final class Img implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String[] args) {
        CommandLine cli = new CommandLine(new Img());
        cli.setExitCodeExceptionMapper(e -> ExitCode.USAGE);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("img: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof Problem || e instanceof RegistryException) {
                Problem problem = e instanceof RegistryException r ? Problem.of(r) : (Problem) e;
                c.getErr().println("img: " + problem.getMessage());
                return problem.exitCode;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /**
     * What stops a command before a transfer, with the exit code it means: a wrong value that
     * picocli's parser could not catch (a bad name), or an unusable network (a bad interface).
     */
    static final class Problem extends RuntimeException {
        final int exitCode;

        Problem(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        static Problem usage(String message) {
            return new Problem(ExitCode.USAGE, message);
        }

        /** What session-service's answer means for img's exit code. */
        static Problem of(RegistryException e) {
            int code = switch (e.kind()) {
                case BAD_REQUEST -> ExitCode.USAGE;
                case ENROLLMENT_REFUSED, TOKEN_REFUSED -> ExitCode.AUTH;
                case REFUSED -> ExitCode.REFUSED;
                case RUN_ENDED -> ExitCode.RUN_ENDED;
                case UNREACHABLE, NOT_A_REGISTRY, SERVER_ERROR -> ExitCode.SERVER;
            };
            return new Problem(code, e.getMessage());
        }
    }
}
