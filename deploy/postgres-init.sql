-- Run once by the postgres container on first start: the gateway's own database next to Rasa's.
CREATE DATABASE gateway OWNER citychat;
