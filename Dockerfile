FROM python:3.12-slim-bookworm

# WeasyPrint needs Pango; fonts for the PDFs; gettext for compilemessages; postgresql-client
# (pg_dump/pg_restore, the same major version as the compose database) for manage.py backup/restore.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    fonts-dejavu-core gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
# collectstatic needs settings; a build-time key is fine, it is never used at run time.
RUN SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --no-input -v 0 \
 && useradd --create-home --uid 1000 npo && mkdir -p /app/var && chown -R npo /app/var
USER npo
EXPOSE 8000
CMD ["gunicorn", "npo_platform.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
