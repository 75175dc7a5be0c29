"""Scale-out on Ray Serve: one model served from several engine replicas, on one machine or many.

Nothing here is imported unless `replicas` is set (`causerie serve --replicas N`): a single machine needs
no Ray. `engine.ClusterEngine` is an `Engine` like the others (entry point `cluster`); the front end's API,
store, auth and metrics do not know that the work happens in Ray actors. Each replica (`replica.py`) runs a
registered engine (the local llama.cpp one by default) and streams its chunks back through a Serve
`DeploymentHandle`; `connect.py` starts or joins the Ray cluster, pinned to loopback when it starts one;
`wire.py` turns requests, chunks and errors into plain data for the trip.
"""
