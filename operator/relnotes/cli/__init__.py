"""The ``relnotes`` command: one subcommand per process or job."""

__all__: list[str] = []
