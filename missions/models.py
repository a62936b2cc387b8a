# Missions, assignments and evaluations arrive with the missions issue. The expert's
# "my missions" page already exists (experts.views.my_missions) and will list them.
