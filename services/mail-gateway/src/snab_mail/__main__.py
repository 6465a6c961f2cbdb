from snab_kit.cli import service_main
from snab_mail.main import build
from snab_mail.settings import MailgatewaySettings


def main() -> None:
    service_main(
        prog="snab_mail",
        settings=MailgatewaySettings,
        run=lambda settings: build(settings).run(),  # type: ignore[arg-type]
        migrations="snab_mail.migrations",
    )


if __name__ == "__main__":
    main()
