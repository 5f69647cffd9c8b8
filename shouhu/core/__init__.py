"""What every app uses: bulk writes, jobs, sheets, Excel, request parameters, errors, forms. Layer 1: imports only `rules` and Django."""
