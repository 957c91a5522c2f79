import{a}from"./BD27WTPE.js";import"./WOZT2IGZ.js";import"./ZG4C46KX.js";import"./6QFQRVWK.js";export{a as default};
